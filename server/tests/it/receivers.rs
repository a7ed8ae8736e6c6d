//! Real HTTP(S) receivers on 127.0.0.1 that record every request and answer from a script.
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One recorded request.
#[derive(Clone, Debug)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub at: Instant,
}

impl Received {
    pub fn header(&self, name: &str) -> String {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
    }
}

/// One scripted answer.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub delay: Duration,
    pub retry_after: Option<String>,
}

impl Reply {
    pub fn status(status: u16) -> Reply {
        Reply { status, body: String::new(), delay: Duration::ZERO, retry_after: None }
    }
    pub fn json(body: serde_json::Value) -> Reply {
        Reply { body: body.to_string(), ..Reply::status(200) }
    }
    pub fn delayed(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
    pub fn retry_after(mut self, value: &str) -> Reply {
        self.retry_after = Some(value.into());
        self
    }
}

#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    requests: Arc<Mutex<Vec<Received>>>,
    script: Arc<Mutex<VecDeque<Reply>>>,
    default: Reply,
}

impl Receiver {
    /// An HTTP receiver answering `default` once the script is used up.
    pub async fn start(default: Reply) -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let r = Receiver::new(url, default);
        let app = r.router();
        tokio::spawn(async move { axum::serve(listener, app).await });
        r
    }

    /// An HTTPS receiver with a self-signed certificate for localhost / 127.0.0.1.
    pub async fn https(default: Reply) -> Receiver {
        server::delivery::client::install_crypto_provider();
        let cert = rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
        let key = rustls_pki_types::PrivateKeyDer::Pkcs8(cert.signing_key.serialize_der().into());
        let config = tokio_rustls::rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(vec![cert.cert.der().clone()], key)
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("https://{}/hook", listener.local_addr().unwrap());
        let r = Receiver::new(url, default);
        let app = r.router();
        tokio::spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else { break };
                let acceptor = acceptor.clone();
                let app = app.clone();
                tokio::spawn(async move {
                    let Ok(tls) = acceptor.accept(tcp).await else { return };
                    let service = hyper_util::service::TowerToHyperService::new(app);
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(tls), service)
                        .await;
                });
            }
        });
        r
    }

    fn new(url: String, default: Reply) -> Receiver {
        Receiver { url, requests: Arc::default(), script: Arc::default(), default }
    }

    fn router(&self) -> axum::Router {
        let me = self.clone();
        axum::Router::new().fallback(move |headers: HeaderMap, body: Bytes| {
            let me = me.clone();
            async move { me.answer(headers, body).await }
        })
    }

    async fn answer(&self, headers: HeaderMap, body: Bytes) -> Response {
        self.requests.lock().unwrap().push(Received { headers, body: body.to_vec(), at: Instant::now() });
        let reply = self.script.lock().unwrap().pop_front().unwrap_or_else(|| self.default.clone());
        tokio::time::sleep(reply.delay).await;
        let mut res = (StatusCode::from_u16(reply.status).unwrap(), reply.body).into_response();
        res.headers_mut().insert("content-type", "application/json".parse().unwrap());
        if let Some(v) = reply.retry_after {
            res.headers_mut().insert("retry-after", v.parse().unwrap());
        }
        res
    }

    /// Answers these first, in order.
    pub fn then(&self, replies: impl IntoIterator<Item = Reply>) -> &Self {
        self.script.lock().unwrap().extend(replies);
        self
    }

    pub fn received(&self) -> Vec<Received> {
        self.requests.lock().unwrap().clone()
    }

    /// Waits until at least `n` requests arrived (fails after `secs`).
    pub async fn wait_for(&self, n: usize, secs: u64) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(Instant::now() < deadline, "expected {n} requests at {}, got {}", self.url, got.len());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
