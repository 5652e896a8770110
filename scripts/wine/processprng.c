// processprng.c: a bcryptprimitives.dll for Wine 8, which lacks one.
//
// Go's Windows runtime (1.26, as built here) gets its random numbers from
// ProcessPrng in bcryptprimitives.dll and stops at start-up without it
// ("fatal error: bcryptprimitives.dll not found"). Wine 8.0, the version
// Debian 12 ships, has no such DLL. This one exports ProcessPrng and fills
// the buffer from advapi32's RtlGenRandom (SystemFunction036), which Wine
// has. It is only for running Mailkeep's Windows builds under Wine in tests;
// real Windows (10 and later) has its own.
//
// Build (cmd/mailkeep-cli/wine_integration_test.go does, into the Wine
// prefix's system32): x86_64-w64-mingw32-gcc -shared -O2
// -nostdlib -o bcryptprimitives.dll processprng.c bcryptprimitives.def
// -ladvapi32 -lkernel32
#include <windows.h>
#include <ntsecapi.h>

// ProcessPrng fills data with size random bytes. The real one always
// returns TRUE; this one returns FALSE only if RtlGenRandom fails, and Go's
// crypto/rand then stops the program (better than handing out bytes that are
// not random).
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
	while (size > 0) {
		ULONG n = size > 0x40000000 ? 0x40000000 : (ULONG)size;
		if (!RtlGenRandom(data, n))
			return FALSE;
		data += n;
		size -= n;
	}
	return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE dll, DWORD reason, LPVOID reserved)
{
	(void)dll;
	(void)reason;
	(void)reserved;
	return TRUE;
}
