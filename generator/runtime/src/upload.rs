//! Large file upload through an upload session, sans-IO.
//!
//! `createUploadSession` (on a drive item, a message or event attachment, a print
//! document) answers an [`UploadSession`]: an `uploadUrl` on a storage host that takes
//! `PUT`s of byte ranges, and `nextExpectedRanges`, what it still lacks. Each slice is
//! sent with `Content-Range: bytes {first}-{last}/{total}`; every slice but the last is
//! a multiple of 320 KiB ([`SLICE_UNIT`]). The service answers `202 Accepted` with the
//! ranges still missing, and `200`/`201` with the created item after the last byte.
//! A `GET` of the URL says what is still missing (to resume after a lost slice or a
//! restart); a `DELETE` cancels the session.
//!
//! The upload URL carries its own authorization: requests to it must not have an
//! `Authorization` header, and `client::Client::upload` sends none there.
//!
//! [`UploadPlan`] says which slice to send next from `nextExpectedRanges`.

use super::{Error, JsonObject};
use serde_json::Value;

/// Slices are multiples of this: 320 KiB.
pub const SLICE_UNIT: u64 = 320 * 1024;

/// The default slice: 32 × 320 KiB = 10 MiB.
pub const DEFAULT_SLICE: u64 = 32 * SLICE_UNIT;

/// The largest slice the service takes in one request is 60 MiB; 192 × 320 KiB.
pub const MAX_SLICE: u64 = 192 * SLICE_UNIT;

/// An upload session, as `createUploadSession` and a `GET` of its URL answer it.
#[derive(Clone, Debug, PartialEq)]
pub struct UploadSession {
    /// Where slices go.
    pub upload_url: String,
    /// When the session ends, as sent (`2015-01-29T09:21:55.523Z`).
    pub expiration_date_time: Option<String>,
    /// The ranges the service lacks: `"{first}-{last}"`, `"{first}-"` to the end, or
    /// `"{first}"` (attachments).
    pub next_expected_ranges: Vec<String>,
}

impl UploadSession {
    /// A session from its JSON (`uploadUrl`, `expirationDateTime`,
    /// `nextExpectedRanges`); a session without `uploadUrl` is [`Error::Protocol`].
    pub fn from_json(body: &JsonObject) -> Result<Self, Error> {
        let upload_url = body
            .get("uploadUrl")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::Protocol("the upload session has no uploadUrl".to_string()))?
            .to_string();
        Ok(Self {
            upload_url,
            expiration_date_time: body
                .get("expirationDateTime")
                .and_then(Value::as_str)
                .map(str::to_string),
            next_expected_ranges: expected_ranges(body),
        })
    }

    /// Reads a session from a response body, for [`crate::Request`]s of
    /// `createUploadSession`.
    pub fn parse(status: u16, body: &[u8]) -> Result<Self, Error> {
        let object: JsonObject = serde_json::from_slice(body).map_err(|source| Error::Decode {
            status,
            source,
            body: body.to_vec(),
        })?;
        Self::from_json(&object)
    }
}

/// The `nextExpectedRanges` of a session or a `202` answer.
pub fn expected_ranges(body: &JsonObject) -> Vec<String> {
    body.get("nextExpectedRanges")
        .and_then(Value::as_array)
        .map(|ranges| {
            ranges
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// A byte range of the file, both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slice {
    /// The offset of the slice's first byte.
    pub first: u64,
    /// The offset of its last byte (included).
    pub last: u64,
    /// The file's size in bytes.
    pub total: u64,
}

impl Slice {
    /// Its length in bytes.
    pub fn len(&self) -> u64 {
        self.last - self.first + 1
    }

    /// Never true: a slice has at least one byte.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// `bytes {first}-{last}/{total}`.
    pub fn content_range(&self) -> String {
        format!("bytes {}-{}/{}", self.first, self.last, self.total)
    }
}

/// Which slices to send, from what the service says it lacks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadPlan {
    total: u64,
    slice: u64,
}

impl UploadPlan {
    /// A plan for `total` bytes in slices of `slice` bytes: a multiple of
    /// [`SLICE_UNIT`], at most [`MAX_SLICE`]. An empty file cannot be sent through a
    /// session (`Content-Range` cannot name zero bytes): upload it with a plain `PUT`
    /// of its content instead.
    pub fn new(total: u64, slice: u64) -> Result<Self, Error> {
        if slice == 0 || !slice.is_multiple_of(SLICE_UNIT) || slice > MAX_SLICE {
            return Err(Error::InvalidRequest(format!(
                "the slice size {slice} is not a multiple of 320 KiB ({SLICE_UNIT} bytes) up to 60 MiB ({MAX_SLICE} bytes)"
            )));
        }
        if total == 0 {
            return Err(Error::InvalidRequest(
                "an upload session cannot take an empty file; upload it with a PUT of its content"
                    .to_string(),
            ));
        }
        Ok(Self { total, slice })
    }

    /// The file's size.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The next slice to send: the start of the first range the service lacks, up to
    /// one slice or the end of that range. `Ok(None)` when it lacks nothing; ranges
    /// outside the file are [`Error::Protocol`].
    pub fn next(&self, expected: &[String]) -> Result<Option<Slice>, Error> {
        let mut ranges = Vec::new();
        for range in expected {
            ranges.push(self.range(range)?);
        }
        let Some(&(first, last)) = ranges.iter().min_by_key(|(first, _)| *first) else {
            return Ok(None);
        };
        let last = last.min(first + self.slice - 1);
        Ok(Some(Slice {
            first,
            last,
            total: self.total,
        }))
    }

    /// Bytes the service has, given what it lacks.
    pub fn uploaded(&self, expected: &[String]) -> u64 {
        let missing: u64 = expected
            .iter()
            .filter_map(|r| self.range(r).ok())
            .map(|(first, last)| last - first + 1)
            .sum();
        self.total.saturating_sub(missing)
    }

    fn range(&self, text: &str) -> Result<(u64, u64), Error> {
        let bad = || {
            Error::Protocol(format!(
                "nextExpectedRanges has {text:?}, which is not a range of the {} bytes",
                self.total
            ))
        };
        let text = text.trim();
        let (first, last) = text.split_once('-').unwrap_or((text, ""));
        let first = first.parse::<u64>().map_err(|_| bad())?;
        let last = match last {
            "" => self.total - 1,
            last => last.parse::<u64>().map_err(|_| bad())?,
        };
        if first > last || last >= self.total {
            return Err(bad());
        }
        Ok((first, last))
    }
}

/// How far an upload is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Bytes the service has.
    pub uploaded: u64,
    /// The file's size.
    pub total: u64,
}

/// Where the bytes of an upload come from: something with a length that can read any
/// slice of itself, such as bytes in memory or a [`FileSource`].
pub trait UploadSource: Send + Sync {
    /// The size in bytes.
    fn len(&self) -> u64;

    /// Whether there is nothing to upload.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes of `slice`.
    fn read(&self, slice: Slice) -> std::io::Result<Vec<u8>>;
}

impl UploadSource for [u8] {
    fn len(&self) -> u64 {
        self.len() as u64
    }

    fn read(&self, slice: Slice) -> std::io::Result<Vec<u8>> {
        let range = usize::try_from(slice.first)
            .ok()
            .zip(usize::try_from(slice.last).ok());
        match range.and_then(|(first, last)| self.get(first..=last)) {
            Some(bytes) => Ok(bytes.to_vec()),
            None => Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                format!(
                    "bytes {}-{} are beyond the {} bytes",
                    slice.first,
                    slice.last,
                    self.len()
                ),
            )),
        }
    }
}

impl UploadSource for Vec<u8> {
    fn len(&self) -> u64 {
        self.as_slice().len() as u64
    }

    fn read(&self, slice: Slice) -> std::io::Result<Vec<u8>> {
        self.as_slice().read(slice)
    }
}

/// A file to upload, read one slice at a time (a blocking read of at most one slice).
#[derive(Debug)]
pub struct FileSource {
    file: std::sync::Mutex<std::fs::File>,
    len: u64,
}

impl FileSource {
    /// Opens the file at `path`.
    pub fn open(path: impl AsRef<std::path::Path>) -> std::io::Result<Self> {
        Self::new(std::fs::File::open(path)?)
    }

    /// Reads from `file`, whose size is taken now.
    pub fn new(file: std::fs::File) -> std::io::Result<Self> {
        let len = file.metadata()?.len();
        Ok(Self {
            file: std::sync::Mutex::new(file),
            len,
        })
    }
}

impl UploadSource for FileSource {
    fn len(&self) -> u64 {
        self.len
    }

    fn read(&self, slice: Slice) -> std::io::Result<Vec<u8>> {
        use std::io::{Read, Seek, SeekFrom};
        let mut file = self
            .file
            .lock()
            .map_err(|_| std::io::Error::other("a read of this file panicked"))?;
        file.seek(SeekFrom::Start(slice.first))?;
        let mut bytes = vec![0; slice.len() as usize];
        file.read_exact(&mut bytes)?;
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests;
