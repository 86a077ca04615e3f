using System.Reflection;
using System.Text;

namespace Kernels.Frontend;

/// <summary>PTX entry names: the method name plus its generic arguments, reduced to identifier characters.</summary>
internal static class KernelNaming
{
    public static string EntryName(MethodInfo kernel)
    {
        var text = new StringBuilder(kernel.DeclaringType?.Name ?? "k").Append('_').Append(kernel.Name);
        foreach (var argument in kernel.GetGenericArguments())
        {
            text.Append("__").Append(argument.Name);
        }
        for (var i = 0; i < text.Length; i++)
        {
            if (!char.IsAsciiLetterOrDigit(text[i]) && text[i] != '_')
            {
                text[i] = '_';
            }
        }
        return text.ToString();
    }
}
