import { useApp } from '../store/context';

/** Errors in words a person understands, each with a way to dismiss it. */
export function Notices() {
  const notices = useApp((state) => state.notices);
  const dismiss = useApp((state) => state.dismissNotice);
  if (notices.length === 0) return null;
  return (
    <div className="notices">
      {notices.map((notice) => (
        <div key={notice.id} className="notice" role="alert">
          <p>{notice.message}</p>
          <button type="button" className="quiet" aria-label="Dismiss message" onClick={() => dismiss(notice.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
