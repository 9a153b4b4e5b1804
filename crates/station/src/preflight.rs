//! Before a desk sends its password: which authentication the server asks
//! for. The driver answers a request for a clear-text or MD5 password with
//! the password (or its MD5) itself, so a machine posing as the server, or a
//! pg_hba.conf line with `password`/`md5`, would receive it. The station
//! first opens a short connection of its own with the same TLS checks, sends
//! the startup message, reads the server's authentication request and hangs
//! up. Only SCRAM-SHA-256 (or no password at all) lets the real connection
//! go ahead.
//!
//! The preflight decides nothing else: when it cannot tell (unreachable,
//! a TLS failure, an error from the server), the driver's own connection
//! attempt reports the problem as usual.

use std::sync::Arc;
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, Error as TlsError, RootCertStore, SignatureScheme,
};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::settings::{ServerSettings, TlsMode};

/// What the server asked for to authenticate this user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthRequest {
    /// Trusted: no password at all.
    Nothing,
    ScramSha256,
    /// `password` in pg_hba.conf: the password itself, readable.
    Cleartext,
    /// `md5` in pg_hba.conf: an MD5 of password and user, replayable.
    Md5,
    Other(i32),
}

impl AuthRequest {
    /// Whether answering it would hand over the password (or a replayable
    /// hash of it).
    pub fn exposes_password(self) -> bool {
        matches!(self, AuthRequest::Cleartext | AuthRequest::Md5)
    }
}

const PATIENCE: Duration = Duration::from_secs(5);
/// The SSLRequest message: length 8, code 80877103.
const SSL_REQUEST: [u8; 8] = [0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f];
const PROTOCOL_3_0: i32 = 196_608;

/// The authentication the server asks for (`None`: could not tell).
pub async fn auth_request(server: &ServerSettings) -> Option<AuthRequest> {
    // A Unix socket is this computer: nothing on the network to pose as it.
    if server.host.starts_with('/') {
        return None;
    }
    tokio::time::timeout(PATIENCE, ask(server)).await.ok().flatten()
}

async fn ask(server: &ServerSettings) -> Option<AuthRequest> {
    let mut stream = TcpStream::connect((server.host.as_str(), server.port)).await.ok()?;
    if server.tls == TlsMode::Disable {
        return read_auth_request(stream, server).await;
    }
    stream.write_all(&SSL_REQUEST).await.ok()?;
    let mut answer = [0u8; 1];
    stream.read_exact(&mut answer).await.ok()?;
    if answer[0] != b'S' {
        return None; // no TLS there: the driver refuses it for this mode
    }
    let config = client_config(server.tls, server.ca_file.as_deref())?;
    let name = ServerName::try_from(server.host.clone()).ok()?;
    let tls = tokio_rustls::TlsConnector::from(Arc::new(config)).connect(name, stream).await.ok()?;
    read_auth_request(tls, server).await
}

async fn read_auth_request<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    server: &ServerSettings,
) -> Option<AuthRequest> {
    let mut body = PROTOCOL_3_0.to_be_bytes().to_vec();
    for (key, value) in
        [("user", server.user.as_str()), ("database", server.database.as_str()), ("application_name", "clinic-desk")]
    {
        body.extend_from_slice(key.as_bytes());
        body.push(0);
        body.extend_from_slice(value.as_bytes());
        body.push(0);
    }
    body.push(0);
    let mut message = ((body.len() + 4) as i32).to_be_bytes().to_vec();
    message.extend_from_slice(&body);
    stream.write_all(&message).await.ok()?;

    let kind = stream.read_u8().await.ok()?;
    let _length = stream.read_i32().await.ok()?;
    if kind != b'R' {
        return None; // an error (no such database, pg_hba reject): the driver reports it
    }
    let code = stream.read_i32().await.ok()?;
    let _ = stream.shutdown().await;
    Some(match code {
        0 => AuthRequest::Nothing,
        3 => AuthRequest::Cleartext,
        5 => AuthRequest::Md5,
        10 => AuthRequest::ScramSha256,
        other => AuthRequest::Other(other),
    })
}

/// The same checks the driver makes for `mode`.
fn client_config(mode: TlsMode, ca_file: Option<&str>) -> Option<ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone()).with_safe_default_protocol_versions().ok()?;
    let roots = || -> Option<Arc<RootCertStore>> {
        let mut roots = RootCertStore::empty();
        for cert in CertificateDer::pem_file_iter(ca_file?).ok()? {
            roots.add(cert.ok()?).ok()?;
        }
        Some(Arc::new(roots))
    };
    let config = match mode {
        TlsMode::Disable => return None,
        TlsMode::VerifyFull => builder.with_root_certificates(roots()?).with_no_client_auth(),
        TlsMode::VerifyCa => {
            let webpki = WebPkiServerVerifier::builder_with_provider(roots()?, provider).build().ok()?;
            builder.dangerous().with_custom_certificate_verifier(Arc::new(AnyName(webpki))).with_no_client_auth()
        }
        TlsMode::Require => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider)))
            .with_no_client_auth(),
    };
    Some(config)
}

/// verify-ca: the chain must lead to the clinic's CA; the name is not checked.
#[derive(Debug)]
struct AnyName(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for AnyName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, TlsError> {
        match self.0.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
            Err(TlsError::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// require: encrypted, whoever answers (Settings warns about this mode).
#[derive(Debug)]
struct AnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, TlsError> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
