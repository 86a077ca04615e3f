using System.Reflection;
using System.Runtime.InteropServices;

namespace Kernels.Cuda;

/// <summary>
/// Finds the driver library. Driver-only machines ship <c>libcuda.so.1</c> without the unversioned
/// <c>libcuda.so</c> symlink (that one comes with the toolkit), so the import name "cuda" is resolved here by
/// hand, for our own imports and for ILGPU's (which asks for "cuda" and otherwise reports no CUDA device on such
/// machines). The resolver is per assembly and registered once per assembly, from <see cref="CudaNative"/>'s
/// static constructor and from <see cref="KernelContext"/> before ILGPU's first call.
/// </summary>
internal static class CudaLibrary
{
    public const string ImportName = "cuda";

    private static readonly Lock Gate = new();
    private static nint _handle;
    private static string? _failure;
    private static readonly Lock RegistrationGate = new();
    private static bool _registered;

    public static IReadOnlyList<string> Candidates { get; } =
        OperatingSystem.IsWindows() ? ["nvcuda.dll"] : ["libcuda.so.1", "libcuda.so"];

    public static bool IsLoaded => Volatile.Read(ref _handle) != 0;

    /// <summary>Loads the driver library once; on failure <paramref name="reason"/> names what was tried.</summary>
    public static bool TryLoad(out string reason)
    {
        lock (Gate)
        {
            if (_handle != 0)
            {
                reason = "";
                return true;
            }
            if (_failure is not null)
            {
                reason = _failure;
                return false;
            }
            if (TryLoad(Candidates, out var handle, out reason))
            {
                Volatile.Write(ref _handle, handle);
                return true;
            }
            _failure = reason;
            return false;
        }
    }

    /// <summary>Tries each name in order; the first that loads wins.</summary>
    public static bool TryLoad(IReadOnlyList<string> candidates, out nint handle, out string reason)
    {
        foreach (var name in candidates)
        {
            if (NativeLibrary.TryLoad(name, out handle))
            {
                reason = "";
                return true;
            }
        }
        handle = 0;
        reason = candidates.Count == 1
            ? $"{candidates[0]} not found"
            : $"{candidates[0]} not found (also tried {string.Join(", ", candidates.Skip(1))})";
        return false;
    }

    public static void RegisterResolver()
    {
        lock (RegistrationGate)
        {
            if (_registered)
            {
                return;
            }
            _registered = true;
            Register(typeof(CudaLibrary).Assembly);
            Register(typeof(ILGPU.Context).Assembly);
        }
    }

    private static void Register(Assembly assembly)
    {
        try
        {
            NativeLibrary.SetDllImportResolver(assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // Someone else registered a resolver for this assembly first (only one is allowed). Imports then
            // fall back to default probing of "cuda", which finds libcuda.so where the toolkit is installed.
        }
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != ImportName)
        {
            return 0; // Not ours: let the runtime's default probing handle it.
        }
        // A zero return lets the runtime probe "cuda" itself; where that fails too, ILGPU gets the
        // DllNotFoundException and reports no CUDA device (KernelContext.TryCreateCuda has already said why).
        return TryLoad(out _) ? _handle : 0;
    }
}
