using System.Collections.Concurrent;
using System.Reflection;
using Kernels.Frontend;
using Kernels.Language;
using Kernels.Passes;
using Kernels.Ptx;

namespace Kernels;

/// <summary>
/// Compiles a <see cref="KernelAttribute"/> method: IL → SSA IR (inlining everything it calls) → the pass
/// pipeline → PTX. Results are cached per (method instantiation, target), so the second call is a lookup.
/// </summary>
public static class KernelCompiler
{
    private static readonly ConcurrentDictionary<(MethodInfo Method, PtxTarget Target), CompiledKernel> Cache = new();

    /// <summary>Compiles (or returns the cached) kernel for <paramref name="target"/> (sm_80 when null).</summary>
    /// <exception cref="KernelCompilationException">The kernel uses a construct the compiler does not support.</exception>
    public static CompiledKernel Compile(MethodInfo kernel, PtxTarget? target = null)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        target ??= PtxTarget.Sm80;
        return Cache.GetOrAdd((kernel, target), static key => CompileUncached(key.Method, key.Target));
    }

    /// <summary>Compiles the static method <paramref name="name"/> of <paramref name="type"/>, instantiated with <paramref name="typeArguments"/>.</summary>
    public static CompiledKernel Compile(Type type, string name, PtxTarget? target = null, params Type[] typeArguments)
    {
        ArgumentNullException.ThrowIfNull(type);
        var method = type.GetMethod(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new ArgumentException($"{type.Name} has no static method {name}.", nameof(name));
        return Compile(typeArguments.Length > 0 ? method.MakeGenericMethod(typeArguments) : method, target);
    }

    /// <summary>Compiles without the cache (for measuring compile time).</summary>
    public static CompiledKernel CompileUncached(MethodInfo kernel, PtxTarget target)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        if (!kernel.IsStatic || kernel.ContainsGenericParameters)
        {
            throw new KernelCompilationException(kernel.Name, kernel, 0, "a kernel must be a static method with all generic arguments given");
        }
        if (kernel.ReturnType != typeof(void))
        {
            throw new KernelCompilationException(kernel.Name, kernel, 0, "a kernel must return void");
        }
        var function = KernelTranslation.Translate(kernel);
        Pipeline.Run(function);
        var irText = IR.Printer.Print(function);
        var ptx = PtxEmitter.Emit(function, target);
        return new CompiledKernel(kernel, ptx, target, function, irText);
    }
}
