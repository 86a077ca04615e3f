using System.Globalization;
using System.Text;

namespace Kernels.Cuda;

/// <summary>
/// Spells a <see cref="CuResult"/> as <c>cuda.h</c> does, for messages written when the driver (and so
/// <c>cuGetErrorName</c>) is absent: <c>ErrorInvalidPtx</c> becomes <c>CUDA_ERROR_INVALID_PTX</c>.
/// </summary>
internal static class CuResultNames
{
    public static string HeaderName(CuResult result)
    {
        if (!Enum.IsDefined(result))
        {
            return "CUresult " + ((int)result).ToString(CultureInfo.InvariantCulture);
        }

        // PascalCase to SCREAMING_SNAKE: a word starts at each capital that follows a lower-case letter.
        var name = result.ToString();
        var sb = new StringBuilder("CUDA_", 5 + (name.Length * 2));
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (i > 0 && char.IsUpper(c) && !char.IsUpper(name[i - 1]))
            {
                sb.Append('_');
            }
            sb.Append(char.ToUpperInvariant(c));
        }
        return sb.ToString();
    }
}
