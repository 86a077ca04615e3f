using System.Reflection;
using System.Runtime.InteropServices;
using Kernels.Cuda;
using Xunit;

namespace Kernels.Tests.Cuda;

public sealed class CudaNativeBindingTests
{
    // The calls cuda.h (12.x) remaps with `#define cuX cuX_v2`: the unsuffixed exports keep the old ABI
    // (32-bit sizes and pointers, or old semantics), so binding one of them would corrupt memory silently.
    private static readonly string[] HeaderVersionedCalls =
    [
        "cuDeviceTotalMem", "cuCtxCreate", "cuCtxDestroy", "cuCtxPushCurrent", "cuCtxPopCurrent",
        "cuDevicePrimaryCtxRelease", "cuDevicePrimaryCtxReset", "cuDevicePrimaryCtxSetFlags", "cuModuleGetGlobal",
        "cuMemGetInfo", "cuMemAlloc", "cuMemAllocPitch", "cuMemFree", "cuMemAllocHost", "cuMemHostGetDevicePointer",
        "cuMemcpyHtoD", "cuMemcpyDtoH", "cuMemcpyDtoD", "cuMemcpyHtoDAsync", "cuMemcpyDtoHAsync", "cuMemcpyDtoDAsync",
        "cuMemsetD8", "cuMemsetD16", "cuMemsetD32", "cuStreamDestroy", "cuEventDestroy", "cuMemHostRegister",
    ];

    private static IEnumerable<(string Method, string EntryPoint)> Bindings() =>
        typeof(CudaNative)
            .GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)
            .Select(m => (m.Name, Attribute: m.GetCustomAttribute<LibraryImportAttribute>()))
            .Where(b => b.Attribute is not null)
            .Select(b => (b.Name, b.Attribute!.EntryPoint ?? b.Name));

    [Fact]
    public void EveryBindingTargetsTheDriverLibrary()
    {
        var methods = typeof(CudaNative).GetMethods(BindingFlags.Static | BindingFlags.NonPublic)
            .Select(m => m.GetCustomAttribute<LibraryImportAttribute>())
            .Where(a => a is not null)
            .ToList();

        Assert.True(methods.Count >= 40, $"only {methods.Count} LibraryImport bindings were found");
        Assert.All(methods, a => Assert.Equal("cuda", a!.LibraryName));
    }

    [Fact]
    public void EveryHeaderVersionedCallBindsItsV2Symbol()
    {
        foreach (var (method, entryPoint) in Bindings())
        {
            if (HeaderVersionedCalls.Contains(method))
            {
                Assert.True(entryPoint == method + "_v2", $"{method} binds {entryPoint}; cuda.h maps it to {method}_v2");
            }
            else
            {
                Assert.True(entryPoint == method, $"{method} binds {entryPoint}, which cuda.h does not map it to");
            }
        }
    }
}
