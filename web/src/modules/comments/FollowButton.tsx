// A follow / unfollow toggle for a process, theme or idea (POST/DELETE /me/follows). Embed it
// with <FollowButton targetKind="idea" targetId={12} following={...} onChange={reload} />.
import { useState } from 'preact/hooks';
import { errorMessage } from '../../api';
import { ErrorBox, Live } from '../../components';
import { t } from '../../i18n';
import { follow, unfollow } from './api';

export function FollowButton(p: { targetKind: 'process' | 'theme' | 'idea'; targetId: number; following: boolean; onChange?: () => void }) {
  const [following, setFollowing] = useState(p.following);
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function toggle() {
    setBusy(true);
    setError(null);
    try {
      if (following) await unfollow(p.targetKind, p.targetId);
      else await follow(p.targetKind, p.targetId);
      setMsg(following ? t('comments.unfollowed') : t('comments.following'));
      setFollowing(!following);
      p.onChange?.();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <div class="follow">
      <button type="button" class="btn btn-secondary btn-small" aria-pressed={following ? 'true' : 'false'} disabled={busy} onClick={toggle}>
        {following ? t('comments.unfollow') : t('comments.follow')}
      </button>
      <Live message={msg} />
      {error && <ErrorBox>{error}</ErrorBox>}
    </div>
  );
}
