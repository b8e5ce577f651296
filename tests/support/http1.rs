//! Just enough HTTP/1.1 framing for the test client and the fault proxy: one exchange per
//! connection (`Connection: close`), heads parsed by hand, bodies framed by Content-Length,
//! chunked encoding, or the end of the stream. Shared so both sides agree on what "whole" means.

use std::io::{self, BufRead, Read};

/// The first line and headers of a request or response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    /// `GET /db HTTP/1.1` or `HTTP/1.1 200 OK`.
    pub start_line: String,
    /// Names as sent; compare with [`Head::header`], which ignores case.
    pub headers: Vec<(String, String)>,
}

/// Why a message could not be read whole.
#[derive(Debug)]
pub enum ReadError {
    /// The stream ended where more bytes were due; `read` says how much had arrived.
    Truncated { what: &'static str, read: usize },
    /// Bytes arrived that are not HTTP.
    Malformed(String),
    /// The socket failed (timeouts show up here as `TimedOut`/`WouldBlock`).
    Io(io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Truncated { what, read } => write!(f, "stream ended inside the {what} after {read} bytes"),
            ReadError::Malformed(why) => write!(f, "not HTTP: {why}"),
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> ReadError {
        ReadError::Io(e)
    }
}

impl ReadError {
    pub fn is_timeout(&self) -> bool {
        matches!(self, ReadError::Io(e) if matches!(e.kind(), io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock))
    }
}

/// Heads larger than this are treated as garbage rather than read forever.
const MAX_HEAD: usize = 64 * 1024;

impl Head {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers.iter().filter(move |(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The status code of a response head.
    pub fn status(&self) -> Result<u16, ReadError> {
        let mut parts = self.start_line.split_whitespace();
        match (parts.next(), parts.next().map(str::parse::<u16>)) {
            (Some(v), Some(Ok(code))) if v.starts_with("HTTP/") => Ok(code),
            _ => Err(ReadError::Malformed(format!("bad status line {:?}", self.start_line))),
        }
    }

    /// Method and target of a request head.
    pub fn method_and_path(&self) -> Result<(String, String), ReadError> {
        let mut parts = self.start_line.split_whitespace();
        match (parts.next(), parts.next(), parts.next()) {
            (Some(m), Some(p), Some(v)) if v.starts_with("HTTP/") => Ok((m.to_string(), p.to_string())),
            _ => Err(ReadError::Malformed(format!("bad request line {:?}", self.start_line))),
        }
    }

    /// Serializes the head, with the headers in `drop` left out (case-insensitive) and `add` appended.
    pub fn to_bytes(&self, drop: &[&str], add: &[(&str, String)]) -> Vec<u8> {
        let mut out = format!("{}\r\n", self.start_line);
        for (name, value) in &self.headers {
            if !drop.iter().any(|d| d.eq_ignore_ascii_case(name)) {
                out.push_str(&format!("{name}: {value}\r\n"));
            }
        }
        for (name, value) in add {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
        out.push_str("\r\n");
        out.into_bytes()
    }
}

/// Reads one line ending in `\n` (without the line ending); `Ok(None)` at a clean end of stream.
fn read_line(
    reader: &mut impl BufRead,
    budget: &mut usize,
    what: &'static str,
    read: usize,
) -> Result<Option<String>, ReadError> {
    let mut line = Vec::new();
    let n = reader.by_ref().take(*budget as u64).read_until(b'\n', &mut line)?;
    if n == 0 {
        return Ok(None);
    }
    *budget = budget.saturating_sub(n);
    if line.last() != Some(&b'\n') {
        return if *budget == 0 {
            Err(ReadError::Malformed(format!("{what} longer than {MAX_HEAD} bytes")))
        } else {
            Err(ReadError::Truncated { what, read: read + n })
        };
    }
    while matches!(line.last(), Some(b'\n' | b'\r')) {
        line.pop();
    }
    String::from_utf8(line).map(Some).map_err(|_| ReadError::Malformed(format!("{what} is not UTF-8")))
}

/// Reads a head. `Ok(None)` if the stream ended before its first byte (the peer sent nothing).
pub fn read_head(reader: &mut impl BufRead) -> Result<Option<Head>, ReadError> {
    let mut budget = MAX_HEAD;
    let start_line = match read_line(reader, &mut budget, "head", 0)? {
        None => return Ok(None),
        Some(line) => line,
    };
    let mut headers = Vec::new();
    loop {
        let read = MAX_HEAD - budget;
        let line = match read_line(reader, &mut budget, "head", read)? {
            None => return Err(ReadError::Truncated { what: "head", read: MAX_HEAD - budget }),
            Some(line) => line,
        };
        if line.is_empty() {
            return Ok(Some(Head { start_line, headers }));
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| ReadError::Malformed(format!("header line without a colon: {line:?}")))?;
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
}

/// How the body after a head is delimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    None,
    Length(usize),
    Chunked,
    /// Until the peer closes (responses only).
    UntilClose,
}

pub fn request_framing(head: &Head) -> Result<Framing, ReadError> {
    if is_chunked(head) {
        return Ok(Framing::Chunked);
    }
    match content_length(head)? {
        Some(n) => Ok(Framing::Length(n)),
        None => Ok(Framing::None),
    }
}

/// `request_method` matters because a response to HEAD has no body whatever its headers say.
pub fn response_framing(head: &Head, request_method: &str) -> Result<Framing, ReadError> {
    let status = head.status()?;
    if request_method.eq_ignore_ascii_case("HEAD") || (100..200).contains(&status) || status == 204 || status == 304 {
        return Ok(Framing::None);
    }
    if is_chunked(head) {
        return Ok(Framing::Chunked);
    }
    match content_length(head)? {
        Some(n) => Ok(Framing::Length(n)),
        None => Ok(Framing::UntilClose),
    }
}

fn is_chunked(head: &Head) -> bool {
    head.headers_named("Transfer-Encoding").any(|v| v.to_ascii_lowercase().contains("chunked"))
}

fn content_length(head: &Head) -> Result<Option<usize>, ReadError> {
    match head.header("Content-Length") {
        None => Ok(None),
        Some(v) => v.trim().parse().map(Some).map_err(|_| ReadError::Malformed(format!("bad Content-Length {v:?}"))),
    }
}

/// Reads a whole body. A stream that ends early is `Truncated`, never a short body.
pub fn read_body(reader: &mut impl BufRead, framing: Framing) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    match framing {
        Framing::None => {}
        Framing::Length(n) => {
            reader.by_ref().take(n as u64).read_to_end(&mut body)?;
            if body.len() < n {
                return Err(ReadError::Truncated { what: "body", read: body.len() });
            }
        }
        Framing::UntilClose => {
            reader.read_to_end(&mut body)?;
        }
        Framing::Chunked => read_chunked(reader, &mut body)?,
    }
    Ok(body)
}

fn read_chunked(reader: &mut impl BufRead, body: &mut Vec<u8>) -> Result<(), ReadError> {
    loop {
        let mut budget = 1024;
        let size_line = read_line(reader, &mut budget, "chunked body", body.len())?
            .ok_or(ReadError::Truncated { what: "chunked body", read: body.len() })?;
        // Chunk extensions (`;name=value`) are allowed and meaningless here.
        let hex = size_line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(hex, 16)
            .map_err(|_| ReadError::Malformed(format!("bad chunk size {size_line:?}")))?;
        if size == 0 {
            // Trailers until the empty line; a close right after "0\r\n" is accepted too.
            loop {
                let mut budget = MAX_HEAD;
                match read_line(reader, &mut budget, "chunked trailer", body.len())? {
                    None => return Ok(()),
                    Some(line) if line.is_empty() => return Ok(()),
                    Some(_) => {}
                }
            }
        }
        let before = body.len();
        reader.by_ref().take(size as u64).read_to_end(body)?;
        if body.len() - before < size {
            return Err(ReadError::Truncated { what: "chunked body", read: body.len() });
        }
        let mut crlf = Vec::new();
        reader.by_ref().take(2).read_to_end(&mut crlf)?;
        if crlf != b"\r\n" {
            return Err(if crlf.len() < 2 {
                ReadError::Truncated { what: "chunked body", read: body.len() }
            } else {
                ReadError::Malformed("chunk not followed by CRLF".into())
            });
        }
    }
}

/// The standard reason phrase, for status lines the proxy makes up.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        412 => "Precondition Failed",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}
