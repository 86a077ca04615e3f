using System.Globalization;
using System.Text;

namespace Kernels.Cuda;

/// <summary>
/// A driver API call that returned something other than <see cref="CuResult.Success"/>. The message names the
/// call, the header name of the result (from <c>cuGetErrorName</c> when the driver is loaded), its number and
/// <c>cuGetErrorString</c>'s text, plus any detail such as the JIT error log of a rejected PTX module.
/// </summary>
public sealed class CudaException : Exception
{
    /// <summary>Creates the exception for <paramref name="call"/> (e.g. <c>cuMemAlloc_v2</c>) failing with <paramref name="result"/>.</summary>
    public CudaException(string call, CuResult result, string? detail = null)
        : this(call, result, detail, CudaErrorText.NameOf(result), CudaErrorText.DescriptionOf(result))
    {
    }

    internal CudaException(string call, CuResult result, string? detail, string errorName, string? errorDescription)
        : base(Format(call, result, detail, errorName, errorDescription))
    {
        Call = call;
        Result = result;
        ErrorName = errorName;
        ErrorDescription = errorDescription;
        Detail = detail;
    }

    public CudaException()
        : this("(unknown call)", CuResult.ErrorUnknown)
    {
    }

    public CudaException(string message)
        : base(message)
    {
        Call = "(unknown call)";
        Result = CuResult.ErrorUnknown;
        ErrorName = CuResultNames.HeaderName(CuResult.ErrorUnknown);
    }

    public CudaException(string message, Exception innerException)
        : base(message, innerException)
    {
        Call = "(unknown call)";
        Result = CuResult.ErrorUnknown;
        ErrorName = CuResultNames.HeaderName(CuResult.ErrorUnknown);
    }

    /// <summary>The driver entry point that failed, exactly as exported (e.g. <c>cuModuleLoadDataEx</c>).</summary>
    public string Call { get; }

    public CuResult Result { get; }

    /// <summary>The header spelling of <see cref="Result"/>, e.g. <c>CUDA_ERROR_OUT_OF_MEMORY</c>.</summary>
    public string ErrorName { get; }

    /// <summary><c>cuGetErrorString</c>'s text; null when the driver could not be asked.</summary>
    public string? ErrorDescription { get; }

    /// <summary>Extra context such as the JIT error log; null when there is none.</summary>
    public string? Detail { get; }

    private static string Format(string call, CuResult result, string? detail, string errorName, string? errorDescription)
    {
        var sb = new StringBuilder();
        sb.Append(call).Append(" failed with ").Append(errorName)
          .Append(" (").Append(((int)result).ToString(CultureInfo.InvariantCulture)).Append(')');
        if (!string.IsNullOrEmpty(errorDescription))
        {
            sb.Append(": ").Append(errorDescription);
        }
        if (!string.IsNullOrEmpty(detail))
        {
            sb.Append('\n').Append(detail);
        }
        return sb.ToString();
    }
}
