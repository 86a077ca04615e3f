using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Kernels.Cuda;

/// <summary>
/// Turns a result into a <see cref="CudaException"/>. The check inlines to one compare; the throw lives in a
/// separate method so hot callers (launches, copies) stay small.
/// </summary>
internal static class CudaCheck
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Ok(CuResult result, string call)
    {
        if (result != CuResult.Success)
        {
            Throw(result, call);
        }
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Throw(CuResult result, string call) => throw new CudaException(call, result);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowArgumentOutOfRange(string parameter, string message) =>
        throw new ArgumentOutOfRangeException(parameter, message);
}
