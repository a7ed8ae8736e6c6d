import { request } from '@playwright/test';
import { ADMIN, INTEGRATOR, AUTHOR, baseURL } from './tests/support';

/** Creates the users every suite relies on (idempotent: "already exists" is fine). */
export default async function globalSetup() {
  const ctx = await request.newContext({ baseURL: baseURL() });
  const login = await ctx.post('/login', { form: { username: ADMIN.username, password: ADMIN.password, next: '/' }, maxRedirects: 0 });
  if (login.status() !== 303) throw new Error(`admin sign-in failed: ${login.status()}`);
  for (const u of [INTEGRATOR, AUTHOR]) {
    const res = await ctx.post('/rpc/create_user', { form: { username: u.username, password: u.password, role: u.role } });
    if (!res.ok() && res.status() !== 422) throw new Error(`creating ${u.username} failed: ${res.status()} ${await res.text()}`);
  }
  await ctx.dispose();
}
