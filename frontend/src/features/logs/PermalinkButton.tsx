import { useState } from 'react';
import { Link } from 'react-router';
import { linePath, type LineTarget } from './permalink';
import styles from './PermalinkButton.module.css';

/** A link to this line that opens the viewer on it with its context, and a button copying it. */
export function PermalinkButton({ target }: { target: LineTarget }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const path = linePath(target);

  async function copy() {
    try {
      await navigator.clipboard.writeText(new URL(path, window.location.origin).toString());
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  }

  return (
    <span className={styles.permalink}>
      <Link to={path} className={styles.link}>
        Link to this entry
      </Link>
      <button type="button" className="button" onClick={() => void copy()}>
        Copy link
      </button>
      <span role="status" className={styles.note}>
        {copied === 'yes' ? 'Link copied' : copied === 'failed' ? 'Could not copy; use the link' : ''}
      </span>
    </span>
  );
}
