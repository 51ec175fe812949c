'use strict';
// The plugin's TLS server certificate for go-plugin AutoMTLS. Terraform pins the certificate the plugin prints
// in its handshake line and dials "localhost", so the certificate needs SAN DNS:localhost and serverAuth
// (docs/terraform-facts.md, "Handshake"). The RSA key comes from Node's crypto (fast, native); node-forge builds
// and signs the self-signed X.509 certificate. A directory caches the pair so that the 2-5 provider
// processes Terraform starts per command share one certificate instead of each making a key.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

function createServerCert() {
  // Loaded only here: the provider processes reuse the cached pair and skip node-forge's start-up cost.
  const forge = require('node-forge');
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' });
  const key = forge.pki.privateKeyFromPem(keyPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = '01';
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 24 * 3600 * 1000);
  cert.validity.notAfter = new Date(now + 365 * 24 * 3600 * 1000);
  const subject = [{ name: 'commonName', value: 'localhost' }, { name: 'organizationName', value: 'tf-stub' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] },
  ]);
  cert.sign(key, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem };
}

/** The cached pair in `dir` (created on first use), or a fresh one when no directory is given. */
function serverCert(dir) {
  if (!dir) return createServerCert();
  const certFile = path.join(dir, 'stub-cert.pem');
  const keyFile = path.join(dir, 'stub-key.pem');
  if (!fs.existsSync(certFile) || !fs.existsSync(keyFile)) {
    const { certPem, keyPem } = createServerCert();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(keyFile, keyPem, { mode: 0o600 });
    fs.writeFileSync(certFile, certPem);
  }
  return { certPem: fs.readFileSync(certFile, 'utf8'), keyPem: fs.readFileSync(keyFile, 'utf8') };
}

/** The handshake's certificate field: base64 of the DER certificate, without "=" padding (go-plugin's form). */
function handshakeCert(certPem) {
  // A PEM body is the base64 of the DER certificate.
  const body = certPem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  return Buffer.from(body, 'base64').toString('base64').replace(/=+$/, '');
}

module.exports = { serverCert, handshakeCert };
