import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useServices } from '../../app/services';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ApiError } from '../../lib/apiClient';
import { useCanControl } from '../auth/useCurrentUser';
import { describeError } from '../../lib/describeError';
import { createStrategy, deleteStrategy, replaceStrategy, STRATEGIES_KEY } from './api';
import { describeExpiry, describeStrikes, describeWindow } from './describeStrategy';
import { StrategyForm } from './StrategyForm';
import type { Strategy, StrategyConfig } from './types';
import { useStrategies } from './useStrategies';
import { draftFromStrategy, emptyDraft, fieldErrorsFromApi, type FieldErrors } from './validation';
import styles from './StrategiesPage.module.css';
import { usePageTitle } from '../../lib/pageTitle';

type Editing = { mode: 'create' } | { mode: 'edit'; strategy: Strategy };

/** Field errors for an API failure: 422 by field, 409 on the name, anything else above the form. */
function errorsFrom(error: unknown): FieldErrors {
  if (error instanceof ApiError && error.status === 422) {
    const detail = (error.detail as { detail?: unknown } | null)?.detail;
    const byField = fieldErrorsFromApi(detail);
    if (Object.keys(byField).length > 0) return byField;
  }
  if (error instanceof ApiError && error.status === 409) return { name: error.message };
  return { '': describeError(error) };
}

export function StrategiesPage() {
  usePageTitle('Strategies');
  const { api } = useServices();
  const queryClient = useQueryClient();
  const canControl = useCanControl();
  const strategies = useStrategies();
  const [editing, setEditing] = useState<Editing | null>(null);
  const [deleting, setDeleting] = useState<Strategy | null>(null);

  const save = useMutation({
    mutationFn: (config: StrategyConfig) =>
      editing?.mode === 'edit' ? replaceStrategy(api, editing.strategy.id, config) : createStrategy(api, config),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: STRATEGIES_KEY });
      setEditing(null);
    },
  });

  const remove = useMutation({
    mutationFn: (strategy: Strategy) => deleteStrategy(api, strategy.id),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: STRATEGIES_KEY });
      setDeleting(null);
    },
  });

  const open = (next: Editing) => {
    save.reset();
    setEditing(next);
  };

  return (
    <div className="screen">
      <div className="screen-header">
        <h1 className="page-title">Strategies</h1>
        {canControl && !editing && (
          <button type="button" className="button button-primary" onClick={() => open({ mode: 'create' })}>
            New strategy
          </button>
        )}
      </div>
      {editing && (
        <StrategyForm
          key={editing.mode === 'edit' ? `edit-${editing.strategy.id}` : 'create'}
          initial={editing.mode === 'edit' ? draftFromStrategy(editing.strategy) : emptyDraft()}
          title={editing.mode === 'edit' ? `Edit ${editing.strategy.name}` : 'New strategy'}
          submitLabel={editing.mode === 'edit' ? 'Save changes' : 'Create strategy'}
          busy={save.isPending}
          serverErrors={save.isError ? errorsFrom(save.error) : {}}
          onSubmit={(config) => save.mutate(config)}
          onCancel={() => setEditing(null)}
        />
      )}
      {strategies.isError && (
        <p role="alert" className="alert-error">
          Could not load strategies: {describeError(strategies.error)}
        </p>
      )}
      {strategies.isPending && <p className={styles.muted}>Loading strategies…</p>}
      {strategies.isSuccess && strategies.data.length === 0 && (
        <p className={styles.muted}>
          No strategies yet.{' '}
          <span>
            {canControl
              ? 'Create one with New strategy: its strikes, entry and exit times and risk limits; then start a paper session of it from the dashboard.'
              : 'An admin creates them.'}
          </span>
        </p>
      )}
      {strategies.isSuccess && strategies.data.length > 0 && (
        <table className="data-table card" aria-label="Strategies" tabIndex={0}>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Underlying</th>
              <th scope="col">Expiry</th>
              <th scope="col">Strikes</th>
              <th scope="col" className="num">
                Qty
              </th>
              <th scope="col">Window</th>
              <th scope="col">Exits</th>
              <th scope="col">Active</th>
              {canControl && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {strategies.data.map((strategy) => (
              <tr key={strategy.id}>
                <td>{strategy.name}</td>
                <td>{strategy.underlying}</td>
                <td>{describeExpiry(strategy.expiry_rule)}</td>
                <td>{describeStrikes(strategy)}</td>
                <td className="num">{strategy.quantity}</td>
                <td>{describeWindow(strategy)}</td>
                <td>
                  stop {strategy.max_loss_pct} %, take {strategy.max_profit_pct} %
                  {strategy.trailing_stops.length > 0 ? `, ${strategy.trailing_stops.length} trailing` : ''}
                </td>
                <td>{strategy.active ? 'Yes' : 'No'}</td>
                {canControl && (
                  <td>
                    <div className={styles.actions}>
                      <button
                        type="button"
                        className="button"
                        aria-label={`Edit ${strategy.name}`}
                        onClick={() => open({ mode: 'edit', strategy })}
                      >
                        Edit
                      </button>
                      <button
                        type="button"
                        className="button"
                        aria-label={`Delete ${strategy.name}`}
                        onClick={() => {
                          remove.reset();
                          setDeleting(strategy);
                        }}
                      >
                        Delete
                      </button>
                    </div>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete ${deleting.name}?`}
          confirmLabel="Delete strategy"
          danger
          busy={remove.isPending}
          error={remove.isError ? describeError(remove.error) : null}
          onConfirm={() => remove.mutate(deleting)}
          onCancel={() => setDeleting(null)}
        >
          <p>The configuration is removed. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
