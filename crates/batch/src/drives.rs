//! Finding mounted removable drives: `/proc/mounts` for what is mounted where, and
//! `/sys/block/<disk>/removable` (or a USB path under `/sys/block/<disk>`) for what is removable.
//! The caller falls back to a folder the person chooses when nothing is found. On Windows the
//! drives come from the system's volume list instead (`drives/windows.rs`).

#[cfg(windows)]
mod windows;

use std::path::{Path, PathBuf};

/// A mounted file system.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    /// The device, e.g. `/dev/sdb1` (on Windows the volume's label, e.g. `HATTAMA`).
    pub device: String,
    /// Where it is mounted.
    pub mount_point: PathBuf,
    /// The file system type, e.g. `vfat` (on Windows e.g. `FAT32`).
    pub fs_type: String,
}

/// Parses `/proc/mounts` text (octal escapes such as `\040` for a space are decoded).
pub fn parse_mounts(text: &str) -> Vec<Mount> {
    text.lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let device = fields.next()?;
            let mount_point = fields.next()?;
            let fs_type = fields.next()?;
            Some(Mount {
                device: unescape(device),
                mount_point: PathBuf::from(unescape(mount_point)),
                fs_type: fs_type.to_owned(),
            })
        })
        .collect()
}

fn unescape(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut idx = 0;
    while idx < bytes.len() {
        if bytes[idx] == b'\\'
            && idx + 3 < bytes.len()
            && bytes[idx + 1..idx + 4]
                .iter()
                .all(|b| (b'0'..=b'7').contains(b))
        {
            let value = u32::from(bytes[idx + 1] - b'0') * 64
                + u32::from(bytes[idx + 2] - b'0') * 8
                + u32::from(bytes[idx + 3] - b'0');
            match u8::try_from(value) {
                Ok(byte) => {
                    out.push(byte);
                    idx += 4;
                }
                Err(_) => {
                    out.push(bytes[idx]);
                    idx += 1;
                }
            }
        } else {
            out.push(bytes[idx]);
            idx += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The whole-disk name of a partition device: `/dev/sdb1` → `sdb`, `/dev/mmcblk0p1` → `mmcblk0`.
pub fn disk_of(device: &str) -> Option<String> {
    let name = device.strip_prefix("/dev/")?;
    if name.is_empty() || name.contains('/') {
        return None;
    }
    let disk = if name.starts_with("mmcblk") || name.starts_with("nvme") {
        match name.rfind('p') {
            Some(at)
                if name[at + 1..].bytes().all(|b| b.is_ascii_digit()) && at + 1 < name.len() =>
            {
                &name[..at]
            }
            _ => name,
        }
    } else {
        name.trim_end_matches(|c: char| c.is_ascii_digit())
    };
    Some(disk.to_owned())
}

/// Whether `disk` is removable according to the sysfs tree rooted at `sys_block` (`/sys/block`).
pub fn is_removable(sys_block: &Path, disk: &str) -> bool {
    let dir = sys_block.join(disk);
    let flag = std::fs::read_to_string(dir.join("removable"))
        .map(|text| text.trim() == "1")
        .unwrap_or(false);
    let on_usb = std::fs::canonicalize(&dir)
        .map(|path| path.to_string_lossy().contains("/usb"))
        .unwrap_or(false);
    flag || on_usb
}

/// Removable drives among `mounts`, judged by the sysfs tree at `sys_block`.
pub fn removable_drives(mounts: &[Mount], sys_block: &Path) -> Vec<Mount> {
    mounts
        .iter()
        .filter(|mount| disk_of(&mount.device).is_some_and(|disk| is_removable(sys_block, &disk)))
        .cloned()
        .collect()
}

#[cfg(windows)]
pub use windows::find_removable_drives;

/// Removable drives mounted on this machine now.
#[cfg(not(windows))]
pub fn find_removable_drives() -> Vec<Mount> {
    let mounts = std::fs::read_to_string("/proc/mounts")
        .map(|text| parse_mounts(&text))
        .unwrap_or_default();
    removable_drives(&mounts, Path::new("/sys/block"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_mounts_and_finds_disks() {
        let mounts = parse_mounts(
            "/dev/sda2 / ext4 rw 0 0\n/dev/sdb1 /media/USB\\040STICK vfat rw 0 0\nproc /proc proc rw 0 0\n",
        );
        assert_eq!(mounts.len(), 3);
        assert_eq!(mounts[1].mount_point, PathBuf::from("/media/USB STICK"));
        assert_eq!(disk_of("/dev/sdb1").as_deref(), Some("sdb"));
        assert_eq!(disk_of("/dev/mmcblk0p1").as_deref(), Some("mmcblk0"));
        assert_eq!(disk_of("/dev/nvme0n1p2").as_deref(), Some("nvme0n1"));
        assert_eq!(disk_of("proc"), None);
    }

    #[test]
    fn a_device_names_its_disk_only_for_a_partition_number_after_p() {
        // A whole card or drive mounted without a partition table is its own disk.
        assert_eq!(disk_of("/dev/mmcblk0").as_deref(), Some("mmcblk0"));
        // A `p` with no number after it, or with letters after it, is part of the name.
        assert_eq!(disk_of("/dev/mmcblk0p").as_deref(), Some("mmcblk0p"));
        assert_eq!(disk_of("/dev/mmcblk0rpmb").as_deref(), Some("mmcblk0rpmb"));
        assert_eq!(disk_of("/dev/nvme0n1p12").as_deref(), Some("nvme0n1"));
        // Other disks lose their trailing partition number.
        assert_eq!(disk_of("/dev/sdc12").as_deref(), Some("sdc"));
        // No device name, or a device below a folder (device mapper, by-id links): no disk.
        assert_eq!(disk_of("/dev/"), None);
        assert_eq!(disk_of("/dev/mapper/stick"), None);
        assert_eq!(disk_of("/dev/disk/by-id/usb-stick"), None);
    }

    #[test]
    fn a_mount_point_decodes_every_octal_escape_the_kernel_writes() {
        // The kernel escapes space (\040), tab (\011), newline (\012) and backslash (\134).
        let mounts = parse_mounts("/dev/sdb1 /media/a\\011b\\012c\\134d\\040e vfat rw 0 0\n");
        assert_eq!(mounts[0].mount_point, PathBuf::from("/media/a\tb\nc\\d e"));
        // Not an escape: too few digits, a digit above 7, or a value above one byte.
        let kept = parse_mounts("/dev/sdb1 /x\\04y\\089\\777\\04 vfat rw 0 0\n");
        assert_eq!(kept[0].mount_point, PathBuf::from("/x\\04y\\089\\777\\04"));
    }

    #[test]
    fn removable_flag_in_a_sysfs_tree() {
        let root = std::env::temp_dir().join(format!("hattama-sys-{}", std::process::id()));
        for (disk, removable) in [("sda", "0"), ("sdb", "1")] {
            std::fs::create_dir_all(root.join(disk)).unwrap();
            std::fs::write(root.join(disk).join("removable"), removable).unwrap();
        }
        let mounts = parse_mounts("/dev/sda2 / ext4 rw 0 0\n/dev/sdb1 /media/stick vfat rw 0 0\n");
        let found = removable_drives(&mounts, &root);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].mount_point, PathBuf::from("/media/stick"));
        std::fs::remove_dir_all(&root).unwrap();
    }
}
