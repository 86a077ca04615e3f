using System.Reflection;

namespace Kernels.Ptx;

/// <summary>Readable names of kernel instantiations: <c>BlockReduce.Kernel&lt;Size64&gt;</c>, and the file-name form <c>BlockReduce.Kernel_Size64</c>.</summary>
public static class KernelNames
{
    public static string Of(MethodInfo kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        var name = $"{kernel.DeclaringType?.Name}.{kernel.Name}";
        return kernel.IsGenericMethod ? $"{name}<{string.Join(",", kernel.GetGenericArguments().Select(t => t.Name))}>" : name;
    }

    public static string FileNameOf(MethodInfo kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        var name = $"{kernel.DeclaringType?.Name}.{kernel.Name}";
        return kernel.IsGenericMethod ? $"{name}_{string.Join("_", kernel.GetGenericArguments().Select(t => t.Name))}" : name;
    }
}
