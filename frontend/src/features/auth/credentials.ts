/** The API's rules for usernames and passwords (app/src/control_plane/api/auth.py, users.py), checked before a request. */
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.@-]*$/;
export const MAX_USERNAME_LENGTH = 64;
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;

/** Why the API would refuse this username, or null. */
export function usernameProblem(username: string): string | null {
  if (username.length === 0) return 'Enter a username.';
  if (username.length > MAX_USERNAME_LENGTH) return `At most ${MAX_USERNAME_LENGTH} characters.`;
  if (!USERNAME_PATTERN.test(username)) {
    return 'Start with a letter or digit; then letters, digits and _ . @ - only.';
  }
  return null;
}

/** Why the API would refuse this new password, or null. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `At least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `At most ${MAX_PASSWORD_LENGTH} characters.`;
  return null;
}
