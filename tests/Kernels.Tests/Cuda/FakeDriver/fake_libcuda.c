// A stand-in libcuda.so.1 for machines without a GPU: it lets the [CudaFact] tests exercise the C# host's
// bindings (argument order and widths), context push/pop, SafeHandle lifetimes and error paths on the CPU.
// "Device" memory is host memory; kernels are emulated by entry name (vector_add, copy_v4 only); the JIT
// rejects any PTX mentioning %r9 with a ptxas-style log. It proves nothing about real PTX or timing.
// At exit it reports objects still alive (leaks) and the primary context's reference count to
// $FAKECUDA_REPORT (default: stderr). Build and run the tests against it with run-tests.sh beside this file.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
typedef int CUresult;
typedef struct Ctx { int id; } Ctx;
typedef struct Mod { char* text; int live; } Mod;
typedef struct Fn { Mod* mod; char name[128]; int maxdyn; } Fn;
typedef struct Ev { int timing; double t; } Ev;
static Ctx primary = {1};
static int primary_refs = 0, inited = 0;
static __thread void* stack[16]; static __thread int depth = 0;
static long live_mem = 0, live_host = 0, live_mod = 0, live_stream = 0, live_event = 0, ctx_created = 0;
static void report(void) __attribute__((destructor));
static void report(void) {
  const char* path = getenv("FAKECUDA_REPORT");
  FILE* o = path ? fopen(path, "a") : stderr;
  if (!o) return; fprintf(o, "[fakecuda] leaks: mem=%ld host=%ld mod=%ld stream=%ld event=%ld ctx=%ld primary_refs=%d\n",
          live_mem, live_host, live_mod, live_stream, live_event, ctx_created, primary_refs);
  if (o != stderr) fclose(o);
}
#define NEEDCTX() do { if (!inited) return 3; if (depth == 0 || !stack[depth-1]) return 201; } while (0)
CUresult cuInit(unsigned f) { inited = 1; return 0; }
CUresult cuDriverGetVersion(int* v) { *v = 12040; return 0; }
CUresult cuGetErrorName(CUresult e, const char** s) {
  switch (e) { case 0: *s = "CUDA_SUCCESS"; return 0; case 1: *s = "CUDA_ERROR_INVALID_VALUE"; return 0;
    case 2: *s = "CUDA_ERROR_OUT_OF_MEMORY"; return 0; case 201: *s = "CUDA_ERROR_INVALID_CONTEXT"; return 0;
    case 218: *s = "CUDA_ERROR_INVALID_PTX"; return 0; case 400: *s = "CUDA_ERROR_INVALID_HANDLE"; return 0;
    case 500: *s = "CUDA_ERROR_NOT_FOUND"; return 0; case 719: *s = "CUDA_ERROR_LAUNCH_FAILED"; return 0; }
  *s = NULL; return 1;
}
CUresult cuGetErrorString(CUresult e, const char** s) {
  switch (e) { case 2: *s = "out of memory"; return 0; case 218: *s = "a PTX JIT compilation failed"; return 0;
    case 201: *s = "invalid device context"; return 0; case 1: *s = "invalid argument"; return 0;
    case 500: *s = "named symbol not found"; return 0; case 400: *s = "invalid resource handle"; return 0;
    case 719: *s = "unspecified launch failure"; return 0; }
  *s = NULL; return 1;
}
CUresult cuDeviceGetCount(int* c) { if (!inited) return 3; *c = 1; return 0; }
CUresult cuDeviceGet(int* d, int o) { if (o != 0) return 101; *d = 0; return 0; }
CUresult cuDeviceGetName(char* n, int len, int d) { snprintf(n, len, "Fake H100"); return 0; }
CUresult cuDeviceGetAttribute(int* v, int a, int d) {
  switch (a) { case 75: *v = 9; break; case 76: *v = 0; break; case 16: *v = 132; break; case 10: *v = 32; break;
    case 1: *v = 1024; break; case 8: *v = 49152; break; case 97: *v = 232448; break; case 81: *v = 233472; break;
    case 13: *v = 1980000; break; case 36: *v = 2619000; break; case 37: *v = 5120; break; case 38: *v = 52428800; break; case 39: *v = 2048; break;
    default: *v = 0; }
  return 0;
}
CUresult cuDeviceTotalMem_v2(size_t* b, int d) { *b = 80ull << 30; return 0; }
CUresult cuCtxCreate_v2(void** c, unsigned f, int d) { Ctx* x = malloc(sizeof(Ctx)); x->id = 2; *c = x; stack[depth++] = x; ctx_created++; return 0; }
CUresult cuCtxDestroy_v2(void* c) { if (c == &primary) return 1; ctx_created--; for (int i = 0; i < depth; i++) if (stack[i] == c) stack[i] = NULL; free(c); return 0; }
CUresult cuDevicePrimaryCtxRetain(void** c, int d) { primary_refs++; *c = &primary; return 0; }
CUresult cuDevicePrimaryCtxRelease_v2(int d) { if (primary_refs <= 0) { fprintf(stderr, "[fakecuda] primary over-release\n"); abort(); } primary_refs--; return 0; }
CUresult cuCtxSetCurrent(void* c) { if (depth == 0) depth = 1; stack[depth-1] = c; return 0; }
CUresult cuCtxPushCurrent_v2(void* c) { if (!c) return 201; stack[depth++] = c; return 0; }
CUresult cuCtxPopCurrent_v2(void** c) { if (depth == 0) return 201; void* x = stack[--depth]; if (c) *c = x; return 0; }
CUresult cuCtxSynchronize(void) { NEEDCTX(); return 0; }
CUresult cuMemGetInfo_v2(size_t* f, size_t* t) { NEEDCTX(); *t = 80ull << 30; *f = *t - live_mem; return 0; }
typedef struct Hdr { size_t size; uint64_t magic; } Hdr;
CUresult cuMemAlloc_v2(uint64_t* p, size_t b) { NEEDCTX(); if (b == 0) return 1; if (b > (16ull << 30)) return 2;
  Hdr* h = aligned_alloc(256, ((b + sizeof(Hdr) + 255) / 256) * 256 + 256); h->size = b; h->magic = 0xC0DA; *p = (uint64_t)((char*)h + 256); live_mem += b; return 0; }
CUresult cuMemFree_v2(uint64_t p) { NEEDCTX(); Hdr* h = (Hdr*)((char*)p - 256); if (h->magic != 0xC0DA) { fprintf(stderr, "[fakecuda] bad free\n"); abort(); }
  h->magic = 0; live_mem -= h->size; free(h); return 0; }
CUresult cuMemAllocHost_v2(void** p, size_t b) { NEEDCTX(); *p = malloc(b); live_host++; return 0; }
CUresult cuMemFreeHost(void* p) { NEEDCTX(); free(p); live_host--; return 0; }
CUresult cuMemcpyHtoD_v2(uint64_t d, const void* s, size_t b) { NEEDCTX(); memcpy((void*)d, s, b); return 0; }
CUresult cuMemcpyDtoH_v2(void* d, uint64_t s, size_t b) { NEEDCTX(); memcpy(d, (void*)s, b); return 0; }
CUresult cuMemcpyDtoD_v2(uint64_t d, uint64_t s, size_t b) { NEEDCTX(); memmove((void*)d, (void*)s, b); return 0; }
CUresult cuMemcpyHtoDAsync_v2(uint64_t d, const void* s, size_t b, void* st) { return cuMemcpyHtoD_v2(d, s, b); }
CUresult cuMemcpyDtoHAsync_v2(void* d, uint64_t s, size_t b, void* st) { return cuMemcpyDtoH_v2(d, s, b); }
CUresult cuMemcpyDtoDAsync_v2(uint64_t d, uint64_t s, size_t b, void* st) { return cuMemcpyDtoD_v2(d, s, b); }
CUresult cuMemsetD8_v2(uint64_t d, unsigned char v, size_t n) { NEEDCTX(); memset((void*)d, v, n); return 0; }
CUresult cuMemsetD32_v2(uint64_t d, unsigned v, size_t n) { NEEDCTX(); for (size_t i = 0; i < n; i++) ((unsigned*)d)[i] = v; return 0; }
CUresult cuMemsetD8Async(uint64_t d, unsigned char v, size_t n, void* s) { return cuMemsetD8_v2(d, v, n); }
CUresult cuMemsetD32Async(uint64_t d, unsigned v, size_t n, void* s) { return cuMemsetD32_v2(d, v, n); }
CUresult cuModuleLoadDataEx(void** m, const void* image, unsigned n, int* opts, void** vals) {
  NEEDCTX();
  const char* text = image; char* err = NULL; size_t errcap = 0; char* info = NULL; size_t infocap = 0; int errsz = -1, infosz = -1;
  for (unsigned i = 0; i < n; i++) {
    if (opts[i] == 3) info = vals[i]; if (opts[i] == 4) { infocap = (size_t)(uintptr_t)vals[i]; infosz = i; }
    if (opts[i] == 5) err = vals[i]; if (opts[i] == 6) { errcap = (size_t)(uintptr_t)vals[i]; errsz = i; }
  }
  // TestPtx.UndeclaredRegister (entry "broken") is the one module the stand-in JIT rejects; real PTX may use %r9.
  if (strstr(text, ".entry broken(")) {
    int w = snprintf(err, errcap, "ptxas application ptx input, line 12; error   : Unknown symbol '%%r9'");
    if (errsz >= 0) vals[errsz] = (void*)(uintptr_t)(w + 1);
    return 218;
  }
  if (info) { int w = snprintf(info, infocap, "ptxas info    : Used 8 registers"); if (infosz >= 0) vals[infosz] = (void*)(uintptr_t)(w + 1); }
  Mod* x = malloc(sizeof(Mod)); x->text = strdup(text); x->live = 1; *m = x; live_mod++; return 0;
}
CUresult cuModuleUnload(void* m) { NEEDCTX(); Mod* x = m; if (!x->live) abort(); x->live = 0; free(x->text); live_mod--; return 0; }
CUresult cuModuleGetFunction(void** f, void* m, const char* name) {
  Mod* x = m; char pat[160]; snprintf(pat, sizeof pat, ".entry %s(", name);
  if (!strstr(x->text, pat)) return 500;
  Fn* fn = calloc(1, sizeof(Fn)); fn->mod = x; snprintf(fn->name, sizeof fn->name, "%s", name); *f = fn; return 0;
}
CUresult cuFuncGetAttribute(int* v, int a, void* f) { Fn* fn = f;
  switch (a) { case 0: *v = 1024; break; case 4: *v = 8; break; case 8: *v = fn->maxdyn; break; default: *v = 0; } return 0; }
CUresult cuFuncSetAttribute(void* f, int a, int v) { Fn* fn = f; if (a == 8) { if (v > 232448) return 1; fn->maxdyn = v; } return 0; }
CUresult cuLaunchKernel(void* f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                        unsigned sh, void* st, void** p, void** extra) {
  NEEDCTX(); Fn* fn = f;
  if (!fn->mod->live) { fprintf(stderr, "[fakecuda] launch of unloaded module\n"); abort(); }
  if ((unsigned long)bx * by * bz > 1024 || gx == 0 || bx == 0) return 1;
  if (!strcmp(fn->name, "vector_add")) {
    float* c = *(float**)p[0]; float* a = *(float**)p[1]; float* b = *(float**)p[2]; unsigned n = *(unsigned*)p[3];
    unsigned long threads = (unsigned long)gx * bx; for (unsigned long i = 0; i < n && i < threads; i++) c[i] = a[i] + b[i];
  } else if (!strcmp(fn->name, "VectorAdd_Kernel")) {
    // Our compiler's flattening of VectorAdd(a, b, c): each view is a u64 pointer then a u32 length.
    float* a = *(float**)p[0]; float* b = *(float**)p[2]; float* c = *(float**)p[4]; unsigned n = *(unsigned*)p[5];
    unsigned long threads = (unsigned long)gx * bx; for (unsigned long i = 0; i < n && i < threads; i++) c[i] = a[i] + b[i];
  } else if (!strcmp(fn->name, "copy_v4")) {
    char* d = *(char**)p[0]; char* s = *(char**)p[1]; uint64_t n4 = *(uint64_t*)p[2]; memcpy(d, s, n4 * 16);
  }
  return 0;
}
CUresult cuStreamCreate(void** s, unsigned f) { NEEDCTX(); *s = malloc(8); live_stream++; return 0; }
CUresult cuStreamDestroy_v2(void* s) { NEEDCTX(); free(s); live_stream--; return 0; }
CUresult cuStreamSynchronize(void* s) { NEEDCTX(); return 0; }
CUresult cuStreamQuery(void* s) { NEEDCTX(); return 0; }
CUresult cuStreamWaitEvent(void* s, void* e, unsigned f) { NEEDCTX(); return e ? 0 : 400; }
CUresult cuEventQuery(void* e) { NEEDCTX(); return 0; }
CUresult cuOccupancyMaxActiveBlocksPerMultiprocessor(int* n, void* f, int bs, size_t sh) { *n = bs > 1024 ? 0 : 2048 / bs; return 0; }
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e3 + t.tv_nsec / 1e6; }
CUresult cuEventCreate(void** e, unsigned f) { NEEDCTX(); Ev* x = calloc(1, sizeof(Ev)); x->timing = !(f & 2); *e = x; live_event++; return 0; }
CUresult cuEventDestroy_v2(void* e) { NEEDCTX(); free(e); live_event--; return 0; }
CUresult cuEventRecord(void* e, void* s) { NEEDCTX(); ((Ev*)e)->t = now(); return 0; }
CUresult cuEventSynchronize(void* e) { return 0; }
CUresult cuEventElapsedTime(float* ms, void* a, void* b) { Ev* x = a; Ev* y = b; if (!x->timing || !y->timing) return 400; *ms = (float)(y->t - x->t); return 0; }
