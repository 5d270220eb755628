/*
 * TEST ONLY: a stand-in for Windows' bcryptprimitives.dll, for running Hattama's Windows binaries
 * under Wine 8 in CI. Never ship it, never put it beside an installed program.
 *
 * Rust's standard library gets its random numbers (HashMap seeds) from ProcessPrng, which
 * bcryptprimitives.dll exports on Windows 10 and 11. Debian's Wine 8 has no such export, so a
 * Windows binary fails to start. This DLL exports ProcessPrng and answers it with RtlGenRandom
 * (advapi32's SystemFunction036), which Wine does have; on real Windows the system DLL is used
 * and this file plays no part. `cargo xtask` builds it with mingw-w64's gcc.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) {
            return FALSE;
        }
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
