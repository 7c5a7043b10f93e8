// Municipality administration (/m/:slug/admin): settings, members and their roles, granting a
// role by e-mail, revoking grants. Only for that municipality's municipality_admin or a
// platform_admin; everyone else gets a clear "権限がありません" page (the server enforces the
// same rule; a 403 from it shows the same page).
import { useEffect, useState } from 'preact/hooks';
import { api, errorMessage, type Member, type Municipality, type MunicipalitySettings } from '../api';
import { ErrorBox, Live, Field, FormMessages, Loading, PageHeading, SelectField, SubmitButton, TableWrap, Time, useForm, useTitle } from '../components';
import { invalidateRegions } from '../data';
import { useAsync } from '../hooks';
import { localized, roleLabel, t } from '../i18n';
import { isMunicipalityAdmin, meStore, placeStore } from '../session';
import { useStore } from '../store';
import type { Params } from '../router';
import { Forbidden, LoginRequired } from './NotFound';

export const MUNICIPALITY_ROLES = ['resident', 'staff', 'facilitator', 'desk_officer', 'department_reviewer', 'municipality_admin'];

export function Admin({ params }: { params: Params }) {
  const slug = params.slug ?? '';
  const me = useStore(meStore);
  const allowed = isMunicipalityAdmin(me, slug);
  const muni = useAsync(() => api<Municipality>('GET', `/municipalities/${encodeURIComponent(slug)}`), [slug]);
  const name = muni.data ? localized(muni.data.name, muni.data.name_en) : slug;
  // Set when the server refuses (403) although /me suggested access.
  const [denied, setDenied] = useState<string | null>(null);
  const forbidden = (me && !allowed) || denied !== null;
  useTitle(forbidden ? t('forbidden.title') : t('admin.title', { name }));

  useEffect(() => {
    const m = muni.data;
    if (m) placeStore.set({ name: m.name, name_en: m.name_en, href: `/m/${encodeURIComponent(m.slug)}` });
  }, [muni.data]);

  if (me === undefined) {
    return (
      <>
        <PageHeading>{t('admin.title', { name })}</PageHeading>
        <Loading />
      </>
    );
  }
  if (me === null) return <LoginRequired title={t('admin.title', { name })} />;
  if (!allowed) return <Forbidden />;
  if (denied !== null) return <Forbidden detail={denied} />;
  if (muni.error?.status === 404) {
    return (
      <>
        <PageHeading>{t('notFound.title')}</PageHeading>
        <p>{t('muni.notFound')}</p>
      </>
    );
  }
  return <AdminBody slug={slug} name={name} onSaved={muni.reload} onDenied={setDenied} />;
}

function AdminBody({ slug, name, onSaved, onDenied }: { slug: string; name: string; onSaved: () => void; onDenied: (detail: string) => void }) {
  const base = `/municipalities/${encodeURIComponent(slug)}`;
  const settings = useAsync(() => api<MunicipalitySettings>('GET', `${base}/settings`), [slug]);
  const members = useAsync(() => api<{ items: Member[] }>('GET', `${base}/members`), [slug]);
  const refusal = settings.error?.status === 403 ? settings.error : members.error?.status === 403 ? members.error : null;
  useEffect(() => {
    if (refusal) onDenied(refusal.message);
  }, [refusal]);
  return (
    <>
      <PageHeading>{t('admin.title', { name })}</PageHeading>
      <p>
        <a href={`/m/${encodeURIComponent(slug)}`}>{t('admin.toMunicipality', { name })}</a>
      </p>
      <section class="panel" aria-labelledby="admin-settings">
        <h2 id="admin-settings">{t('admin.settings')}</h2>
        {settings.loading && !settings.data && <Loading />}
        {settings.error && <ErrorBox>{settings.error.message}</ErrorBox>}
        {settings.data && <SettingsForm base={base} initial={settings.data} onSaved={onSaved} />}
      </section>
      <section class="panel" aria-labelledby="admin-members">
        <h2 id="admin-members">{t('admin.members')}</h2>
        <MembersTable base={base} name={name} members={members} />
      </section>
      <section class="panel" aria-labelledby="admin-grant">
        <h2 id="admin-grant">{t('admin.grant')}</h2>
        <GrantForm base={base} onGranted={members.reload} />
      </section>
    </>
  );
}

function str(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}

function SettingsForm({ base, initial, onSaved }: { base: string; initial: MunicipalitySettings; onSaved: () => void }) {
  const form = useForm();
  const [baseline, setBaseline] = useState<MunicipalitySettings>(initial);
  const [v, setV] = useState({
    name: str(initial.name),
    name_en: str(initial.name_en),
    description: str(initial.description),
    description_en: str(initial.description_en),
    contact_email: str(initial.contact_email),
    proposal_answer_days: str(initial.proposal_answer_days),
  });
  const set = (k: keyof typeof v) => (value: string) => setV((prev) => ({ ...prev, [k]: value }));

  function onSubmit(e: Event) {
    e.preventDefault();
    void form.run(async () => {
      // Send only what changed: every field of the PUT body is optional.
      const body: Record<string, unknown> = {};
      const textFields = ['name', 'name_en', 'description', 'description_en', 'contact_email'] as const;
      for (const k of textFields) {
        const value = k === 'description' || k === 'description_en' ? v[k] : v[k].trim();
        if (value !== str(baseline[k])) body[k] = value;
      }
      const days = v.proposal_answer_days.trim();
      if (days !== '' && days !== str(baseline.proposal_answer_days)) {
        // A whole number goes as a JSON integer; anything else is sent as typed so that the
        // server's validation message names the field.
        const n = Number(days);
        body.proposal_answer_days = Number.isInteger(n) ? n : days;
      }
      if (Object.keys(body).length === 0) return t('admin.noChanges');
      const saved = await api<MunicipalitySettings>('PUT', `${base}/settings`, body);
      setBaseline(saved && typeof saved === 'object' ? saved : { ...baseline, ...body });
      invalidateRegions();
      onSaved();
      return t('admin.settingsSaved');
    });
  }

  return (
    <form class="form" noValidate onSubmit={onSubmit} ref={form.formRef}>
      <FormMessages form={form} idPrefix="set" />
      <Field form={form} idPrefix="set" name="name" label={t('admin.name')} value={v.name} onInput={set('name')} required />
      <Field form={form} idPrefix="set" name="name_en" label={t('admin.nameEn')} value={v.name_en} onInput={set('name_en')} />
      <Field form={form} idPrefix="set" name="description" label={t('admin.description')} value={v.description} onInput={set('description')} multiline rows={5} />
      <Field form={form} idPrefix="set" name="description_en" label={t('admin.descriptionEn')} value={v.description_en} onInput={set('description_en')} multiline rows={5} />
      <Field form={form} idPrefix="set" name="contact_email" type="email" label={t('admin.contactEmail')} value={v.contact_email} onInput={set('contact_email')} autoComplete="off" inputMode="email" />
      <Field form={form} idPrefix="set" name="proposal_answer_days" type="number" label={t('admin.answerDays')} hint={t('admin.answerDaysHint')} value={v.proposal_answer_days} onInput={set('proposal_answer_days')} inputMode="numeric" min={1} />
      <SubmitButton form={form} label={t('common.save')} busyLabel="common.saving" />
    </form>
  );
}

function MembersTable({ base, name, members }: { base: string; name: string; members: ReturnType<typeof useAsync<{ items: Member[] }>> }) {
  const [busyId, setBusyId] = useState<number | null>(null);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);

  async function revoke(m: Member) {
    setBusyId(m.grant_id);
    setMsg(null);
    try {
      await api('DELETE', `${base}/roles/${encodeURIComponent(String(m.grant_id))}`);
      setMsg({ ok: true, text: t('admin.revoked', { name: m.display_name, role: roleLabel(m.role) }) });
      members.reload();
    } catch (e) {
      setMsg({ ok: false, text: errorMessage(e) });
    } finally {
      setBusyId(null);
    }
  }

  const items = members.data?.items ?? [];
  return (
    <>
      <Live message={msg && msg.ok ? msg.text : null} />
      {msg && !msg.ok && <ErrorBox>{msg.text}</ErrorBox>}
      {members.loading && !members.data && <Loading />}
      {members.error && <ErrorBox>{members.error.message}</ErrorBox>}
      {members.data && items.length === 0 && <p>{t('admin.noMembers')}</p>}
      {items.length > 0 && (
        <TableWrap labelId="members-caption">
          <table class="table table-stack" id="members-table" role="table">
            <caption id="members-caption">{t('admin.membersCaption', { name })}</caption>
            <thead>
              <tr role="row">
                <th scope="col" role="columnheader">{t('admin.memberName')}</th>
                <th scope="col" role="columnheader">{t('admin.memberRole')}</th>
                <th scope="col" role="columnheader">{t('admin.memberSince')}</th>
                <th scope="col" role="columnheader">{t('admin.memberActions')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((m) => (
                <tr key={m.grant_id} data-grant-id={m.grant_id} role="row">
                  <th scope="row" role="rowheader" data-label={t('admin.memberName')}>
                    {m.display_name}
                  </th>
                  <td role="cell" data-label={t('admin.memberRole')}>
                    {roleLabel(m.role)}
                  </td>
                  <td role="cell" data-label={t('admin.memberSince')}>
                    <Time ms={m.granted_at} />
                  </td>
                  <td role="cell" class="cell-actions">
                    <button
                      type="button"
                      class="btn btn-secondary btn-small"
                      disabled={busyId !== null}
                      aria-label={t('admin.revokeLabel', { name: m.display_name, role: roleLabel(m.role) })}
                      onClick={() => void revoke(m)}
                    >
                      {t('admin.revoke')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </>
  );
}

function GrantForm({ base, onGranted }: { base: string; onGranted: () => void }) {
  const form = useForm();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('staff');
  function onSubmit(e: Event) {
    e.preventDefault();
    void form.run(async () => {
      const addr = email.trim();
      await api('POST', `${base}/roles`, { email: addr, role });
      setEmail('');
      onGranted();
      return t('admin.granted', { email: addr, role: roleLabel(role) });
    });
  }
  return (
    <>
      <p>{t('admin.grantLead')}</p>
      <form class="form" noValidate onSubmit={onSubmit} ref={form.formRef}>
        <FormMessages form={form} idPrefix="grant" />
        <Field form={form} idPrefix="grant" name="email" type="email" label={t('admin.grantEmail')} value={email} onInput={setEmail} required autoComplete="off" inputMode="email" />
        <SelectField form={form} idPrefix="grant" name="role" label={t('admin.grantRole')} value={role} onChange={setRole} options={MUNICIPALITY_ROLES.map((r) => ({ value: r, label: roleLabel(r) }))} />
        <SubmitButton form={form} label={t('admin.grantSubmit')} />
      </form>
    </>
  );
}

