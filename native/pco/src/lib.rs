//! A small C ABI over the `pco` crate (pcodec's standalone format, as numcodecs' `PCodec` and zarrs'
//! `numcodecs.pcodec` write it) for ngff-engine, which calls it through `java.lang.foreign`.
//!
//! Every function works on caller-owned buffers: nothing is allocated for the caller and nothing has to be
//! freed. Numbers are native-endian (the Java side only loads this library on little-endian x86-64).
//! Pointers need not be aligned: a misaligned buffer is copied through an aligned one. Panics inside pco
//! are caught and reported as errors, never unwound into the JVM.
//!
//! Number types use pco's own header byte: 1 u32, 2 u64, 3 i32, 4 i64, 5 f32, 6 f64, 7 u16, 8 i16, 9 f16.
//!
//! Return values: >= 0 is a count (numbers decoded, bytes written); a negative value is an error, with a
//! message written (UTF-8, truncated, not NUL-terminated) to `err` and its length reported in `err_len`.

use std::io::Write;
use std::mem::{align_of, size_of};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::slice;

use half::f16;
use pco::errors::{ErrorKind, PcoError};
use pco::standalone::{guarantee, simple_compress_into, simple_decompress_into};
use pco::{ChunkConfig, DeltaSpec, ModeSpec, PagingSpec};

/// The stream is not valid pco data (or not of the requested number type).
pub const ERR_CORRUPT: i64 = -1;
/// The stream ended before the numbers it announces.
pub const ERR_TRUNCATED: i64 = -2;
/// A bad argument: unknown type, bad configuration, buffer too small.
pub const ERR_ARGUMENT: i64 = -3;
/// The stream holds a different count of numbers than the caller expects.
pub const ERR_COUNT: i64 = -4;
/// pco panicked (a bug in pco on this input).
pub const ERR_PANIC: i64 = -5;

struct Failure(i64, String);

impl From<PcoError> for Failure {
    fn from(e: PcoError) -> Self {
        let code = match e.kind {
            ErrorKind::Corruption => ERR_CORRUPT,
            ErrorKind::InsufficientData => ERR_TRUNCATED,
            _ => ERR_ARGUMENT,
        };
        Failure(code, e.to_string())
    }
}

fn report(err: *mut u8, err_cap: usize, err_len: *mut usize, f: Failure) -> i64 {
    let bytes = f.1.as_bytes();
    let n = bytes.len().min(err_cap);
    if !err.is_null() && n > 0 {
        // SAFETY: the caller gives err_cap writable bytes at err
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), err, n) };
    }
    if !err_len.is_null() {
        // SAFETY: the caller gives a writable usize at err_len
        unsafe { *err_len = n };
    }
    f.0
}

fn guarded(err: *mut u8, err_cap: usize, err_len: *mut usize, body: impl FnOnce() -> Result<i64, Failure>) -> i64 {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(v)) => v,
        Ok(Err(f)) => report(err, err_cap, err_len, f),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            report(err, err_cap, err_len, Failure(ERR_PANIC, format!("pco panicked: {what}")))
        }
    }
}

/// Decodes exactly `n` numbers of type `T` from `src` into `dst` (n * size_of::<T>() bytes).
unsafe fn decompress_typed<T: pco::data_types::Number>(src: &[u8], dst: *mut u8, n: usize) -> Result<i64, Failure> {
    let aligned = (dst as usize) % align_of::<T>() == 0;
    let mut scratch: Vec<T> = Vec::new();
    let out: &mut [T] = if aligned {
        slice::from_raw_parts_mut(dst as *mut T, n)
    } else {
        scratch.resize(n, T::default());
        &mut scratch[..]
    };
    let progress = simple_decompress_into(src, out)?;
    if progress.n_processed != n {
        return Err(Failure(ERR_COUNT, format!("the stream holds {} numbers, {} were expected", progress.n_processed, n)));
    }
    if !progress.finished {
        return Err(Failure(ERR_COUNT, format!("the stream holds more than the {n} numbers expected")));
    }
    if !aligned {
        std::ptr::copy_nonoverlapping(scratch.as_ptr() as *const u8, dst, n * size_of::<T>());
    }
    Ok(n as i64)
}

unsafe fn compress_typed<T: pco::data_types::Number>(
    src: *const u8,
    n: usize,
    config: &ChunkConfig,
    dst: &mut [u8],
) -> Result<i64, Failure> {
    let mut scratch: Vec<T> = Vec::new();
    let numbers: &[T] = if (src as usize) % align_of::<T>() == 0 {
        slice::from_raw_parts(src as *const T, n)
    } else {
        scratch.resize(n, T::default());
        std::ptr::copy_nonoverlapping(src, scratch.as_mut_ptr() as *mut u8, n * size_of::<T>());
        &scratch[..]
    };
    let cap = dst.len();
    let mut rest: &mut [u8] = dst;
    rest = simple_compress_into(numbers, config, rest)?;
    rest.flush().ok();
    Ok((cap - rest.len()) as i64)
}

macro_rules! dispatch {
    ($type_byte:expr, $f:ident, $($arg:expr),*) => {
        match $type_byte {
            1 => $f::<u32>($($arg),*),
            2 => $f::<u64>($($arg),*),
            3 => $f::<i32>($($arg),*),
            4 => $f::<i64>($($arg),*),
            5 => $f::<f32>($($arg),*),
            6 => $f::<f64>($($arg),*),
            7 => $f::<u16>($($arg),*),
            8 => $f::<i16>($($arg),*),
            9 => $f::<f16>($($arg),*),
            t => Err(Failure(ERR_ARGUMENT, format!("unsupported pco number type {t}"))),
        }
    };
}

fn element_size(type_byte: u8) -> Option<usize> {
    match type_byte {
        7..=9 => Some(2),
        1 | 3 | 5 => Some(4),
        2 | 4 | 6 => Some(8),
        _ => None,
    }
}

/// Decodes a standalone pco stream of `src_len` bytes into `dst`, which holds exactly `n` numbers of the
/// given type. Fails unless the stream holds exactly `n` numbers of that type; never writes past
/// `n` numbers. Returns `n`, or a negative error code.
///
/// # Safety
/// `src` must point at `src_len` readable bytes, `dst` at `n` numbers' worth of writable bytes, `err` at
/// `err_cap` writable bytes (or be null), `err_len` at a writable `usize` (or be null).
#[no_mangle]
pub unsafe extern "C" fn ngff_pco_decompress(
    type_byte: u8,
    src: *const u8,
    src_len: usize,
    dst: *mut u8,
    n: usize,
    err: *mut u8,
    err_cap: usize,
    err_len: *mut usize,
) -> i64 {
    guarded(err, err_cap, err_len, || {
        let src = if src_len == 0 { &[][..] } else { slice::from_raw_parts(src, src_len) };
        dispatch!(type_byte, decompress_typed, src, dst, n)
    })
}

/// The largest standalone stream that `n` numbers of the given type can compress to with equal pages
/// of up to `page_n` numbers, or a negative error code.
#[no_mangle]
pub extern "C" fn ngff_pco_max_compressed_size(type_byte: u8, n: usize, page_n: usize) -> i64 {
    let paging = PagingSpec::EqualPagesUpTo(page_n.max(1));
    let size = match element_size(type_byte) {
        Some(2) => guarantee::file_size::<u16>(n, &paging),
        Some(4) => guarantee::file_size::<u32>(n, &paging),
        Some(8) => guarantee::file_size::<u64>(n, &paging),
        _ => return ERR_ARGUMENT,
    };
    size.map(|s| s as i64).unwrap_or(ERR_ARGUMENT)
}

/// Compresses `n` numbers of the given type at `src` into a standalone pco stream in `dst` (`dst_cap`
/// bytes; [`ngff_pco_max_compressed_size`] is always enough). Returns the bytes written, or a negative
/// error code.
///
/// The configuration is numcodecs' `PCodec`: `level` 0..=12; `mode` 0 auto, 1 classic; `delta` 0 auto,
/// 1 none, 2 try_consecutive with `delta_order` (0..=7), 3 try_lookback; pages of up to `page_n` numbers.
///
/// # Safety
/// As for [`ngff_pco_decompress`], with `src` readable and `dst` writable for `dst_cap` bytes.
#[no_mangle]
pub unsafe extern "C" fn ngff_pco_compress(
    type_byte: u8,
    src: *const u8,
    n: usize,
    level: u32,
    mode: u32,
    delta: u32,
    delta_order: u32,
    page_n: usize,
    dst: *mut u8,
    dst_cap: usize,
    err: *mut u8,
    err_cap: usize,
    err_len: *mut usize,
) -> i64 {
    guarded(err, err_cap, err_len, || {
        let mode_spec = match mode {
            0 => ModeSpec::Auto,
            1 => ModeSpec::Classic,
            m => return Err(Failure(ERR_ARGUMENT, format!("unknown mode {m}"))),
        };
        let delta_spec = match delta {
            0 => DeltaSpec::Auto,
            1 => DeltaSpec::NoOp,
            2 => DeltaSpec::TryConsecutive(delta_order as usize),
            3 => DeltaSpec::TryLookback,
            d => return Err(Failure(ERR_ARGUMENT, format!("unknown delta spec {d}"))),
        };
        if page_n == 0 {
            return Err(Failure(ERR_ARGUMENT, "equal_pages_up_to must be positive".to_string()));
        }
        let config = ChunkConfig::default()
            .with_compression_level(level as usize)
            .with_mode_spec(mode_spec)
            .with_delta_spec(delta_spec)
            .with_paging_spec(PagingSpec::EqualPagesUpTo(page_n));
        let dst = if dst_cap == 0 { &mut [][..] } else { slice::from_raw_parts_mut(dst, dst_cap) };
        dispatch!(type_byte, compress_typed, src, n, &config, dst)
    })
}

// ---------------------------------------------------------------------------------------------------
// GDeflate (NVIDIA's page-wise DEFLATE variant, through the gdeflate-sys crate), as zarrs.gdeflate
// uses it: the input is cut into pages of 65536 bytes, each page compressed on its own.

/// Uncompressed bytes per GDeflate page, as zarrs' codec cuts them.
const GDEFLATE_PAGE: usize = 65536;

/// The largest compressed size of `n` input bytes at `level` (0..=12) and, in `npages`, the page count.
/// Returns a negative error code for a bad level.
///
/// # Safety
/// `npages` must point at a writable `usize` (or be null).
#[no_mangle]
pub unsafe extern "C" fn ngff_gdeflate_compress_bound(level: u32, n: usize, npages: *mut usize) -> i64 {
    if !(0..=12).contains(&level) {
        return ERR_ARGUMENT;
    }
    let comp = gdeflate_sys::libdeflate_alloc_gdeflate_compressor(level as i32);
    if comp.is_null() {
        return ERR_ARGUMENT;
    }
    let mut pages = 0usize;
    let bound = gdeflate_sys::libdeflate_gdeflate_compress_bound(comp, n, &mut pages);
    gdeflate_sys::libdeflate_free_gdeflate_compressor(comp);
    if !npages.is_null() {
        *npages = pages;
    }
    bound as i64
}

/// Compresses `src_len` bytes page by page (as zarrs does) into `dst` (`dst_cap` bytes, at least
/// [`ngff_gdeflate_compress_bound`]), pages back to back; the compressed size of page i goes to
/// `page_sizes[i]` (room for `max_pages`). Returns the page count, or a negative error code.
///
/// # Safety
/// `src` readable for `src_len`, `dst` writable for `dst_cap`, `page_sizes` writable for `max_pages`
/// usizes; `err`/`err_len` as for [`ngff_pco_decompress`].
#[no_mangle]
pub unsafe extern "C" fn ngff_gdeflate_compress(
    level: u32,
    src: *const u8,
    src_len: usize,
    dst: *mut u8,
    dst_cap: usize,
    page_sizes: *mut usize,
    max_pages: usize,
    err: *mut u8,
    err_cap: usize,
    err_len: *mut usize,
) -> i64 {
    guarded(err, err_cap, err_len, || {
        if !(0..=12).contains(&level) {
            return Err(Failure(ERR_ARGUMENT, format!("gdeflate level {level} is not in 0..=12")));
        }
        let comp = gdeflate_sys::libdeflate_alloc_gdeflate_compressor(level as i32);
        if comp.is_null() {
            return Err(Failure(ERR_ARGUMENT, "gdeflate compressor allocation failed".to_string()));
        }
        let result = (|| {
            let mut npages = 0usize;
            gdeflate_sys::libdeflate_gdeflate_compress_bound(comp, src_len, &mut npages);
            if npages > max_pages {
                return Err(Failure(ERR_ARGUMENT, format!("{npages} pages need more than {max_pages} slots")));
            }
            let mut written = 0usize;
            for i in 0..npages {
                let start = i * GDEFLATE_PAGE;
                let end = (start + GDEFLATE_PAGE).min(src_len);
                let mut out = gdeflate_sys::libdeflate_gdeflate_out_page {
                    data: dst.add(written).cast(),
                    nbytes: dst_cap - written,
                };
                let size = gdeflate_sys::libdeflate_gdeflate_compress(
                    comp,
                    src.add(start).cast(),
                    end - start,
                    &mut out,
                    1,
                );
                if size == 0 {
                    return Err(Failure(ERR_ARGUMENT, format!("gdeflate compression of page {i} failed (output space)")));
                }
                *page_sizes.add(i) = size;
                written += size;
            }
            Ok(npages as i64)
        })();
        gdeflate_sys::libdeflate_free_gdeflate_compressor(comp);
        result
    })
}

/// Decompresses one GDeflate page of `src_len` bytes into `dst`, which must come out at exactly
/// `dst_len` bytes (no more is ever written). Returns `dst_len`, or a negative error code: corrupt data,
/// or a page that decodes to a different length (ERR_COUNT).
///
/// # Safety
/// `src` readable for `src_len`, `dst` writable for `dst_len`; `err`/`err_len` as for
/// [`ngff_pco_decompress`].
#[no_mangle]
pub unsafe extern "C" fn ngff_gdeflate_decompress_page(
    src: *const u8,
    src_len: usize,
    dst: *mut u8,
    dst_len: usize,
    err: *mut u8,
    err_cap: usize,
    err_len: *mut usize,
) -> i64 {
    guarded(err, err_cap, err_len, || {
        let decomp = gdeflate_sys::libdeflate_alloc_gdeflate_decompressor();
        if decomp.is_null() {
            return Err(Failure(ERR_ARGUMENT, "gdeflate decompressor allocation failed".to_string()));
        }
        let mut page = gdeflate_sys::libdeflate_gdeflate_in_page { data: src.cast(), nbytes: src_len };
        let mut actual = 0usize;
        let code = gdeflate_sys::libdeflate_gdeflate_decompress(decomp, &mut page, 1, dst.cast(), dst_len, &mut actual);
        gdeflate_sys::libdeflate_free_gdeflate_decompressor(decomp);
        match code {
            0 if actual == dst_len => Ok(dst_len as i64),
            0 => Err(Failure(ERR_COUNT, format!("page decodes to {actual} bytes, expected {dst_len}"))),
            3 => Err(Failure(ERR_COUNT, format!("page decodes to more than {dst_len} bytes"))),
            2 => Err(Failure(ERR_TRUNCATED, "page ends early".to_string())),
            _ => Err(Failure(ERR_CORRUPT, "not valid GDeflate data".to_string())),
        }
    })
}
