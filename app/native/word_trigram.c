/*
** word_trigram: an FTS5 tokenizer that emits the trigrams inside words, lower case.
**
** A word is a run of ASCII letters and digits and of any non-ASCII character; every other byte
** separates words. Each window of three characters (UTF-8 code points) inside a word is one
** token, with ASCII letters lower-cased and every other byte kept as it is. That is exactly
** what control_plane.logs.text_search asks the index for (the trigrams of each searched word,
** lower case, then an exact check of every candidate row with SQLite's ASCII-only lower()):
** a row that passes the check holds every such trigram inside one of these words, so the index
** finds it. FTS5's own trigram tokenizer also indexes the windows across spaces and
** punctuation, which no search asks for: about 2.4 times the tokens on our log lines.
**
** Loaded as an SQLite extension (sqlite3 shell: `.load word_trigram`; on a host,
** delta-sqlite3) or, by the app, as an automatic extension of every connection
** (control_plane.db.text_tokenizer). It calls nothing from the C library, so the backend image's
** build loads in any host's sqlite3. A database records only the tokenizer's name: the tokens of
** a name never change (tokenizing otherwise is a new name, in a new migration), so the build of
** any release opens the databases and backups of every other.
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

#define WORD_TRIGRAM_NAME "word_trigram"
/* A character is a lead byte and at most three continuation bytes, so a token fits here. */
#define MAX_CHAR_BYTES 4
#define TRIGRAM_BYTES (3 * MAX_CHAR_BYTES)

/* The bytes that are part of a word: ASCII letters and digits, and 0x80-0xFF. */
static int is_word_byte(unsigned char c) {
  return c >= 0x80 || (unsigned)((c | 0x20) - 'a') < 26u || (unsigned)(c - '0') < 10u;
}

static int is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

/* Tokenizer instances carry no state: one static object serves every table. */
static int tokenizer_handle;

static int word_trigram_create(void *unused, const char **args, int n_args, Fts5Tokenizer **out) {
  (void)unused;
  (void)args;
  if (n_args != 0) return SQLITE_ERROR;
  *out = (Fts5Tokenizer *)&tokenizer_handle;
  return SQLITE_OK;
}

static void word_trigram_delete(Fts5Tokenizer *tokenizer) { (void)tokenizer; }

/* The end of the character starting at `at`, within `end`. */
static int char_end(const unsigned char *text, int at, int end) {
  int limit = at + MAX_CHAR_BYTES < end ? at + MAX_CHAR_BYTES : end;
  at++;
  while (at < limit && is_continuation(text[at])) at++;
  return at;
}

static int word_trigram_tokenize(Fts5Tokenizer *tokenizer, void *ctx, int flags,
                                 const char *input, int n_input,
                                 int (*emit)(void *, int, const char *, int, int, int)) {
  const unsigned char *text = (const unsigned char *)input;
  char token[TRIGRAM_BYTES];
  int at = 0;
  (void)tokenizer;
  (void)flags;
  while (at < n_input) {
    int first, second, third, stop;
    while (at < n_input && !is_word_byte(text[at])) at++;
    if (at >= n_input) break;
    /* The starts of the window's three characters, moved one character at a time. */
    first = at;
    second = char_end(text, first, n_input);
    if (second >= n_input || !is_word_byte(text[second])) {
      at = second;
      continue;
    }
    third = char_end(text, second, n_input);
    for (;;) {
      int length, i, rc;
      if (third >= n_input || !is_word_byte(text[third])) {
        at = third;
        break;
      }
      stop = char_end(text, third, n_input);
      length = stop - first;
      for (i = 0; i < length; i++) {
        unsigned char c = text[first + i];
        token[i] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
      }
      rc = emit(ctx, 0, token, length, first, stop);
      if (rc != SQLITE_OK) return rc;
      first = second;
      second = third;
      third = stop;
    }
  }
  return SQLITE_OK;
}

static fts5_api *fts5_api_of(sqlite3 *db) {
  fts5_api *api = 0;
  sqlite3_stmt *statement = 0;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &statement, 0) == SQLITE_OK) {
    sqlite3_bind_pointer(statement, 1, (void *)&api, "fts5_api_ptr", 0);
    sqlite3_step(statement);
  }
  sqlite3_finalize(statement);
  return api;
}

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_wordtrigram_init(sqlite3 *db, char **error, const sqlite3_api_routines *routines) {
  static fts5_tokenizer methods = {word_trigram_create, word_trigram_delete,
                                   word_trigram_tokenize};
  fts5_api *api;
  SQLITE_EXTENSION_INIT2(routines);
  api = fts5_api_of(db);
  if (api == 0 || api->iVersion < 2) {
    *error = sqlite3_mprintf("word_trigram: this SQLite has no FTS5");
    return SQLITE_ERROR;
  }
  return api->xCreateTokenizer(api, WORD_TRIGRAM_NAME, 0, &methods, 0);
}
