//! Removable drives on Windows: the volumes the system reports as `DRIVE_REMOVABLE`
//! (`GetDriveTypeW`), each at its drive letter or folder mount point, through the `sysinfo`
//! crate, whose safe interface keeps `unsafe` out of this workspace. A USB hard disk reports
//! itself as fixed and is not listed: the person chooses its folder instead.

use sysinfo::Disks;

use crate::drives::Mount;

/// Removable drives mounted on this machine now: the removable volumes, in the order the
/// system lists them.
pub fn find_removable_drives() -> Vec<Mount> {
    Disks::new_with_refreshed_list()
        .list()
        .iter()
        .filter(|disk| disk.is_removable())
        .map(|disk| Mount {
            device: disk.name().to_string_lossy().into_owned(),
            mount_point: disk.mount_point().to_owned(),
            fs_type: disk.file_system().to_string_lossy().into_owned(),
        })
        .collect()
}
