using System.Reflection;

namespace Kernels.SelfTest;

/// <summary>Every self-test kernel, as the instantiations that get compiled (for the ptxas gate and --dump-ptx).</summary>
public static class KernelCatalog
{
    public static IReadOnlyList<MethodInfo> All { get; } =
    [
        Method(typeof(VectorAdd), nameof(VectorAdd.Kernel)),
    ];

    public static MethodInfo Method(Type type, string name, params Type[] typeArguments)
    {
        var method = type.GetMethod(name, BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{type.Name}.{name} not found");
        return typeArguments.Length > 0 ? method.MakeGenericMethod(typeArguments) : method;
    }
}
