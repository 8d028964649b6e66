import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

/** A key and its certificate, both PEM: what `https.createServer` takes. */
export interface KeyAndCert {
  key: string;
  cert: string;
}

/** A certificate authority the lab signs server certificates with. */
export interface LabCa extends KeyAndCert {
  /** The CA's common name, e.g. `Proxmox Virtual Environment`. */
  name: string;
}

const DAY_MS = 24 * 3600 * 1000;

function rsaKey(): {
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
} {
  // Node's own generator (fast); forge then only signs
  const pair = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return {
    privateKey: forge.pki.privateKeyFromPem(
      pair.privateKey,
    ) as forge.pki.rsa.PrivateKey,
    publicKey: forge.pki.publicKeyFromPem(
      pair.publicKey,
    ) as forge.pki.rsa.PublicKey,
  };
}

function baseCert(publicKey: forge.pki.PublicKey, days: number) {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // a positive serial, random as RFC 5280 recommends, in minimal DER: a first byte of 01 keeps the high bit clear
  // without a leading zero byte (an odd-length `0…` hex gave a 00 before a byte below 80, which strict DER readers
  // refuse)
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - DAY_MS);
  cert.validity.notAfter = new Date(Date.now() + days * DAY_MS);
  return cert;
}

function altNames(names: string[]) {
  return names.map(n => (isIP(n) ? { type: 7, ip: n } : { type: 2, value: n }));
}

/** A fresh self-signed CA (10 years, as PVE's cluster CA). */
export function createCa(name: string, organization = name): LabCa {
  const keys = rsaKey();
  const cert = baseCert(keys.publicKey, 3650);
  const subject = [
    { name: 'commonName', value: name },
    { name: 'organizationName', value: organization },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return {
    name,
    key: forge.pki.privateKeyToPem(keys.privateKey),
    cert: forge.pki.certificateToPem(cert),
  };
}

/**
 * A server certificate for `names` (DNS names or IP addresses, the first is the subject's CN):
 * signed by `ca`, or self-signed when `ca` is undefined (Portainer's and the agents' own).
 */
export function issueServerCert(
  names: string[],
  ca?: LabCa,
  days = 365,
): KeyAndCert {
  const keys = rsaKey();
  const cert = baseCert(keys.publicKey, days);
  cert.setSubject([{ name: 'commonName', value: names[0] }]);
  if (ca) {
    const caCert = forge.pki.certificateFromPem(ca.cert);
    cert.setIssuer(caCert.subject.attributes);
  } else {
    cert.setIssuer(cert.subject.attributes);
  }
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    {
      name: 'keyUsage',
      digitalSignature: true,
      keyEncipherment: true,
      critical: true,
    },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: altNames(names) },
  ]);
  const signer = ca
    ? (forge.pki.privateKeyFromPem(ca.key) as forge.pki.rsa.PrivateKey)
    : keys.privateKey;
  cert.sign(signer, forge.md.sha256.create());
  return {
    key: forge.pki.privateKeyToPem(keys.privateKey),
    cert: forge.pki.certificateToPem(cert),
  };
}
