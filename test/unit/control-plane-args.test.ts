import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import type { Certificates } from '../../src/local-cluster/certificates.ts';
import { apiServerArgs, controllerManagerArgs, etcdArgs, kubeconfig } from '../../src/local-cluster/control-plane-args.ts';

const certs: Certificates = {
  caCert: '/pki/ca.crt',
  caKey: '/pki/ca.key',
  servingCert: '/pki/serving.crt',
  servingKey: '/pki/serving.key',
  adminCert: '/pki/admin.crt',
  adminKey: '/pki/admin.key',
  serviceAccountPub: '/pki/sa.pub',
  serviceAccountKey: '/pki/sa.key',
};

describe("the local control plane's component flags", () => {
  it("when etcd's flags are built, then it is one member listening where it advertises and notifies watch progress every 5 s", () => {
    const args = etcdArgs('/cp/etcd', { client: 'http://127.0.0.1:1', peer: 'http://127.0.0.1:2' });
    expect(args).toEqual(
      expect.arrayContaining([
        '--data-dir=/cp/etcd',
        '--listen-client-urls=http://127.0.0.1:1',
        '--advertise-client-urls=http://127.0.0.1:1',
        '--initial-cluster=greenroom=http://127.0.0.1:2',
        '--watch-progress-notify-interval=5s',
      ]),
    );
  });

  it("when kube-apiserver's flags are built, then it serves on loopback with RBAC over that etcd and ends watches within 2 s", () => {
    const args = apiServerArgs('http://127.0.0.1:1', '/cp/pki', certs, 6443, 'https://127.0.0.1:6443');
    expect(args).toEqual(
      expect.arrayContaining([
        '--etcd-servers=http://127.0.0.1:1',
        '--secure-port=6443',
        '--bind-address=127.0.0.1',
        '--authorization-mode=RBAC',
        '--service-account-issuer=https://127.0.0.1:6443/',
        '--client-ca-file=/pki/ca.crt',
        '--shutdown-watch-termination-grace-period=2s',
      ]),
    );
  });

  it("when kube-controller-manager's flags are built, then it runs only the named controllers, without leader election", () => {
    expect(controllerManagerArgs('/cp/kubeconfig', ['namespace-controller', 'garbage-collector-controller'], certs)).toEqual(
      expect.arrayContaining([
        '--kubeconfig=/cp/kubeconfig',
        '--controllers=namespace-controller,garbage-collector-controller',
        '--leader-elect=false',
      ]),
    );
  });

  it('when the kubeconfig is written, then its current context reaches the server as admin with the CA', () => {
    const config = parse(kubeconfig('https://127.0.0.1:6443', certs)) as Record<string, unknown>;
    expect(config).toMatchObject({
      'current-context': 'greenroom-local',
      clusters: [{ name: 'greenroom-local', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority': '/pki/ca.crt' } }],
      users: [{ name: 'admin', user: { 'client-certificate': '/pki/admin.crt', 'client-key': '/pki/admin.key' } }],
      contexts: [{ name: 'greenroom-local', context: { cluster: 'greenroom-local', user: 'admin' } }],
    });
  });
});
