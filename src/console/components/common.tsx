/** Shared presentational pieces: error and empty states, loading, status badges, confirmation dialog. */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { errorText } from '../util.js';

export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const { code, message } = errorText(error);
  return (
    <div class="alert alert-error" role="alert">
      <strong>{title ?? 'The request failed'}</strong>
      <div>
        <code>{code}</code>: {message}
      </div>
    </div>
  );
}

export function Notice({ children, kind = 'info' }: { children: ComponentChildren; kind?: 'info' | 'success' }) {
  return (
    <div class={`alert alert-${kind}`} role="status">
      {children}
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <div class="empty">{children}</div>;
}

export function Loading({ what }: { what?: string }) {
  return (
    <p class="loading" role="status" aria-live="polite">
      Loading{what ? ` ${what}` : ''}…
    </p>
  );
}

const RUNNING = new Set(['PREPROCESSING', 'FIND_MATCHING', 'MERGING']);
export function StatusBadge({ status }: { status?: string }) {
  const kind =
    status === 'COMPLETED' ? 'ok' : status === 'FAILED' ? 'bad' : status === 'PARTIAL_SUCCESS' ? 'warn'
      : status && RUNNING.has(status) ? 'run' : 'idle';
  return <span class={`badge badge-${kind}`} data-status={status}>{status ?? 'UNKNOWN'}</span>;
}

/** A modal confirmation built on <dialog> (focus trap and Escape come from the browser). */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dlg = ref.current;
    if (!dlg) return;
    if (props.open && !dlg.open) dlg.showModal();
    if (!props.open && dlg.open) dlg.close();
  }, [props.open]);
  return (
    <dialog ref={ref} aria-labelledby="dlg-title" onCancel={(e) => { e.preventDefault(); props.onCancel(); }}>
      <h2 id="dlg-title">{props.title}</h2>
      <div class="dialog-body">{props.children}</div>
      <div class="actions">
        <button type="button" onClick={props.onCancel} autofocus>Cancel</button>
        <button type="button" class={props.danger ? 'danger' : 'primary'} disabled={props.busy} onClick={props.onConfirm}>
          {props.busy ? 'Working…' : props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

export function DL({ rows }: { rows: Array<[string, ComponentChildren]> }) {
  return (
    <dl class="dl">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v ?? '—'}</dd>
        </div>
      ))}
    </dl>
  );
}
