import { describe, expect, it } from '@jest/globals';
import { CookieJar } from '../support/cookie-jar.ts';
import { eventually } from '../support/operator.ts';
import { startDemo } from '../support/demo.ts';
import { commandLine, descendants, waitForExit } from '../support/processes.ts';
import { signInAtDex, WebClient } from '../support/sign-in.ts';

/** Opens `path` signed out, signs in on Dex's own page as `person`, and returns to the portal. */
async function signIn(jar: CookieJar, url: string, caFile: string, person: { email: string; password: string }): Promise<void> {
  const page = await jar.fetch(`${url}/catalog`);
  const login = await jar.fetch(new URL(page.headers.get('location')!, url).toString());
  const callback = await signInAtDex(new WebClient(caFile), login.headers.get('location')!, person);
  expect((await jar.fetch(callback)).status).toBe(303);
}

describe('greenroom demo --auth oidc', () => {
  it("when started, then it prints two people's passwords, each signs in at Dex and sees their team's view, and Ctrl-C leaves no process", async () => {
    const { demo, url, output } = await startDemo(['--auth', 'oidc', '--port', '0', '--metrics-port', '0', '--namespace', 'demo-oidc']);
    const processes = descendants(demo.pid!);
    expect(processes.map(commandLine).join('\n')).toMatch(/dex serve/);
    const passwordOf = (email: string): string =>
      new RegExp(`sign in as ${email.replace('.', '\\.')} with password (\\S+):`).exec(output())![1]!;
    const caFile = /"ca":"([^"]+)"/.exec(output())![1]!;
    const ada = { email: 'ada@example.com', password: passwordOf('ada@example.com') };
    const ben = { email: 'ben@example.com', password: passwordOf('ben@example.com') };

    // Signed out, a page sends you to sign in; the API says 401.
    expect((await fetch(`${url}/api/v1/entities`)).status).toBe(401);

    const adaJar = new CookieJar();
    await signIn(adaJar, url, caFile, ada);
    const benJar = new CookieJar();
    await signIn(benJar, url, caFile, ben);
    const names = async (jar: CookieJar, namespace: string): Promise<string[]> => {
      const body = (await (await jar.fetch(`${url}/api/v1/entities?namespace=${namespace}&limit=500`)).json()) as {
        items: { name: string }[];
      };
      return body.items.map((i) => i.name);
    };
    // Both teams read the shared demo catalog; only team-storefront sees its own namespace.
    expect(
      await eventually('the sample catalog for ada', async () => ((await names(adaJar, 'demo-oidc')).length > 25 ? true : undefined)),
    ).toBe(true);
    expect(
      await eventually('the sandbox for ben', async () =>
        (await names(benJar, 'demo-oidc-storefront')).includes('storefront-prototype') ? true : undefined,
      ),
    ).toBe(true);
    expect(await names(adaJar, 'demo-oidc-storefront')).toEqual([]);
    expect((await adaJar.fetch(`${url}/api/v1/entities/component/demo-oidc-storefront/storefront-prototype`)).status).toBe(404);
    // The header names who is signed in.
    expect(await (await adaJar.fetch(`${url}/`)).text()).toContain('oidc:ada@example.com · groups: oidc:team-payments');

    const exitCode = new Promise((resolve) => demo.once('exit', resolve));
    demo.kill('SIGINT');
    expect(await exitCode).toBe(0);
    expect((await waitForExit(processes, 2000)).map(commandLine)).toEqual([]);
  }, 400_000);
});
