//! Zip archives, as far as exporting several documents needs and as far as importing the
//! zips people have: writing stores files uncompressed (the download is small and every
//! unzip reads it); reading takes stored and deflated entries, with a size limit per entry
//! so a zip bomb stops early.

const LOCAL: u32 = 0x0403_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const END: u32 = 0x0605_4b50;

const fn crc_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
}

static CRC_TABLE: [u32; 256] = crc_table();

/// The CRC-32 a zip records for each file.
pub fn crc32(bytes: &[u8]) -> u32 {
    !bytes.iter().fold(!0u32, |c, &b| {
        CRC_TABLE[((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8)
    })
}

/// A zip of `files` (name, contents), stored uncompressed.
pub fn write_zip(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, bytes) in files {
        let offset = out.len() as u32;
        let crc = crc32(bytes);
        let size = bytes.len() as u32;
        let name_bytes = name.as_bytes();
        // Version 2.0, flag 0x0800 (names are UTF-8), stored, a fixed 1980-01-01 time so the
        // same model always gives the same bytes.
        let common = |v: &mut Vec<u8>| {
            v.extend_from_slice(&20u16.to_le_bytes());
            v.extend_from_slice(&0x0800u16.to_le_bytes());
            v.extend_from_slice(&0u16.to_le_bytes());
            v.extend_from_slice(&0u16.to_le_bytes());
            v.extend_from_slice(&0x0021u16.to_le_bytes());
            v.extend_from_slice(&crc.to_le_bytes());
            v.extend_from_slice(&size.to_le_bytes());
            v.extend_from_slice(&size.to_le_bytes());
            v.extend_from_slice(&(name_bytes.len() as u16).to_le_bytes());
            v.extend_from_slice(&0u16.to_le_bytes());
        };
        out.extend_from_slice(&LOCAL.to_le_bytes());
        common(&mut out);
        out.extend_from_slice(name_bytes);
        out.extend_from_slice(bytes);

        central.extend_from_slice(&CENTRAL.to_le_bytes());
        central.extend_from_slice(&20u16.to_le_bytes());
        common(&mut central);
        central.extend_from_slice(&[0; 6]); // comment length, disk, internal attributes
        central.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name_bytes);
    }
    let central_offset = out.len() as u32;
    let central_len = central.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&END.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(files.len() as u16).to_le_bytes());
    out.extend_from_slice(&(files.len() as u16).to_le_bytes());
    out.extend_from_slice(&central_len.to_le_bytes());
    out.extend_from_slice(&central_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

fn u16_at(b: &[u8], at: usize) -> Option<usize> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?) as usize)
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The files in a zip (name, contents), each at most `max_entry` bytes once unpacked.
pub fn read_zip(b: &[u8], max_entry: usize) -> Result<Vec<(String, Vec<u8>)>, String> {
    let broken = || "this zip is damaged or cut short".to_string();
    let end = (0..b.len().saturating_sub(21))
        .rev()
        .take(65_536 + 22)
        .find(|&i| u32_at(b, i) == Some(END))
        .ok_or_else(|| "this is not a zip file".to_string())?;
    let count = u16_at(b, end + 10).ok_or_else(broken)?;
    let mut at = u32_at(b, end + 16).ok_or_else(broken)? as usize;
    let mut files = Vec::with_capacity(count.min(1024));
    for _ in 0..count {
        if u32_at(b, at) != Some(CENTRAL) {
            return Err(broken());
        }
        let method = u16_at(b, at + 10).ok_or_else(broken)?;
        let crc = u32_at(b, at + 16).ok_or_else(broken)?;
        let packed = u32_at(b, at + 20).ok_or_else(broken)? as usize;
        let size = u32_at(b, at + 24).ok_or_else(broken)? as usize;
        let name_len = u16_at(b, at + 28).ok_or_else(broken)?;
        let extra_len = u16_at(b, at + 30).ok_or_else(broken)?;
        let comment_len = u16_at(b, at + 32).ok_or_else(broken)?;
        let local = u32_at(b, at + 42).ok_or_else(broken)? as usize;
        let name = b.get(at + 46..at + 46 + name_len).ok_or_else(broken)?;
        let name = String::from_utf8_lossy(name).into_owned();
        at += 46 + name_len + extra_len + comment_len;
        if size > max_entry {
            return Err(format!(
                "{name} unpacks to {size} bytes; files up to {max_entry} bytes are read"
            ));
        }
        if u32_at(b, local) != Some(LOCAL) {
            return Err(broken());
        }
        let data_at = local
            + 30
            + u16_at(b, local + 26).ok_or_else(broken)?
            + u16_at(b, local + 28).ok_or_else(broken)?;
        let data = b.get(data_at..data_at + packed).ok_or_else(broken)?;
        let bytes = match method {
            0 => data.to_vec(),
            8 => miniz_oxide::inflate::decompress_to_vec_with_limit(data, max_entry)
                .map_err(|_| format!("{name} cannot be unpacked (or unpacks to too much)"))?,
            other => {
                return Err(format!(
                    "{name} is packed with method {other}; zips made with plain deflate are read"
                ))
            }
        };
        if crc32(&bytes) != crc {
            return Err(format!("{name} is damaged (its checksum does not match)"));
        }
        files.push((name, bytes));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn a_written_zip_reads_back_file_for_file() {
        let files = vec![
            ("a.yaml".to_string(), b"asyncapi: 3.0.0\n".to_vec()),
            ("b.yaml".to_string(), vec![]),
        ];
        let zip = write_zip(&files);
        assert_eq!(read_zip(&zip, 1024).unwrap(), files);
    }

    #[test]
    fn deflated_entries_unpack_and_bombs_stop_at_the_limit() {
        let big = vec![b'a'; 50_000];
        let packed = miniz_oxide::deflate::compress_to_vec(&big, 9);
        // Rewrite a stored zip's one entry as deflated: method, checksum and unpacked size,
        // in the local header and in the central directory.
        let mut zip = write_zip(&[("x.yaml".into(), packed)]);
        let crc = crc32(&big).to_le_bytes();
        let size = (big.len() as u32).to_le_bytes();
        zip[8] = 8;
        zip[14..18].copy_from_slice(&crc);
        zip[22..26].copy_from_slice(&size);
        let central = zip.len() - 22 - 46 - "x.yaml".len();
        zip[central + 10] = 8;
        zip[central + 16..central + 20].copy_from_slice(&crc);
        zip[central + 24..central + 28].copy_from_slice(&size);
        assert_eq!(read_zip(&zip, 100_000).unwrap()[0].1, big);
        let refused = read_zip(&zip, 1_000).unwrap_err();
        assert!(refused.contains("50000 bytes"), "{refused}");
    }

    #[test]
    fn a_cut_short_zip_is_refused_in_words() {
        let zip = write_zip(&[("a.yaml".into(), b"hello".to_vec())]);
        assert_eq!(
            read_zip(&zip[..10], 100).unwrap_err(),
            "this is not a zip file"
        );
        let mut damaged = zip.clone();
        damaged[30 + "a.yaml".len()] ^= 1; // the first byte of the contents
        assert!(read_zip(&damaged, 100).unwrap_err().contains("checksum"));
    }
}
