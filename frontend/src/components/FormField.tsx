import type { ReactNode } from 'react';

/** A labelled input with its error or hint below; those sit outside the <label> so they do not become part of the field's name. */
export function FormField({
  label,
  below,
  className = '',
  children,
}: {
  label: string;
  below?: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className={`field ${className}`}>
      <label className="field">
        <span>{label}</span>
        {children}
      </label>
      {below}
    </div>
  );
}
