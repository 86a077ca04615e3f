using System.Runtime.InteropServices;

namespace Kernels.Cuda;

/// <summary>
/// Asks the driver for a result's name and description when it is loaded, and falls back to the header
/// spelling otherwise, so an error message never needs the library it is reporting on.
/// </summary>
internal static unsafe class CudaErrorText
{
    public static string NameOf(CuResult result)
    {
        if (CudaLibrary.IsLoaded)
        {
            try
            {
                byte* text;
                if (CudaNative.cuGetErrorName(result, &text) == CuResult.Success && text is not null)
                {
                    return Marshal.PtrToStringUTF8((nint)text) ?? CuResultNames.HeaderName(result);
                }
            }
            catch (EntryPointNotFoundException)
            {
                // A stub or very old libcuda: the header spelling is just as good.
            }
        }
        return CuResultNames.HeaderName(result);
    }

    public static string? DescriptionOf(CuResult result)
    {
        if (!CudaLibrary.IsLoaded)
        {
            return null;
        }
        try
        {
            byte* text;
            return CudaNative.cuGetErrorString(result, &text) == CuResult.Success && text is not null
                ? Marshal.PtrToStringUTF8((nint)text)
                : null;
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
    }
}
