using System.Collections.Concurrent;
using System.Reflection;
using System.Text.RegularExpressions;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace Kernels.Ptx;

/// <summary>
/// Compiles a kernel to PTX offline, with no device: ILGPU's <see cref="PTXBackend"/> at the pinned ISA for the
/// target's SM. ILGPU writes <c>.target sm_80</c> for every SM of 8.0 and up (its capability context caps the
/// target at the newest SM its feature table names), so sm_90-only instructions would fail to assemble; the
/// <c>.target</c> line is rewritten to the real target. Results are cached per (method, target).
/// </summary>
public static partial class PtxCompiler
{
    private static readonly Lazy<Context> Compiler = new(() =>
        Context.Create(builder => builder.EnableAlgorithms().Optimize(OptimizationLevel.O2)));

    private static readonly ConcurrentDictionary<(MethodInfo, PtxTarget), string> Cache = new();

    /// <summary>The PTX text of explicitly grouped kernel <paramref name="kernel"/> for <paramref name="target"/>.</summary>
    /// <exception cref="KernelCompileException">ILGPU rejected the kernel; the message names the kernel and target.</exception>
    public static string Compile(MethodInfo kernel, PtxTarget target)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(target);
        return Cache.GetOrAdd((kernel, target), key => CompileUncached(key.Item1, key.Item2));
    }

    /// <summary>As <see cref="Compile"/> without the cache (the compile-time bench measures this).</summary>
    public static string CompileUncached(MethodInfo kernel, PtxTarget target)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(target);
        return SetTarget(CompileKernel(kernel, target).PTXAssembly, target.Architecture);
    }

    /// <summary>ILGPU's compiled kernel object (its PTX still says what ILGPU wrote: <c>.target sm_80</c>).</summary>
    public static PTXCompiledKernel CompileKernel(MethodInfo kernel, PtxTarget target)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(target);
        try
        {
            using var backend = new PTXBackend(Compiler.Value, new CudaCapabilityContext(target.Sm), target.Sm, target.Isa, null);
            return (PTXCompiledKernel)backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(kernel), default);
        }
        catch (Exception e) when (e is InternalCompilerException or NotSupportedException or InvalidOperationException)
        {
            throw new KernelCompileException($"ILGPU could not compile {KernelNames.Of(kernel)} for {target.Architecture}: {e.Message}", e);
        }
    }

    /// <summary>Rewrites the <c>.target</c> directive (and nothing else) to <paramref name="architecture"/>, keeping any suffix such as <c>, debug</c>.</summary>
    public static string SetTarget(string ptx, string architecture) => Replace(ptx, TargetLine(), architecture, ".target");

    /// <summary>Rewrites the <c>.version</c> directive to <paramref name="isa"/> (e.g. 8.0).</summary>
    public static string SetVersion(string ptx, string isa) => Replace(ptx, VersionLine(), isa, ".version");

    private static string Replace(string ptx, Regex directive, string value, string name)
    {
        ArgumentNullException.ThrowIfNull(ptx);
        var match = directive.Match(ptx);
        if (!match.Success)
        {
            throw new FormatException($"PTX text has no {name} directive.");
        }
        var operand = match.Groups[1];
        return string.Concat(ptx.AsSpan(0, operand.Index), value, ptx.AsSpan(operand.Index + operand.Length));
    }

    [GeneratedRegex(@"^\.target\s+(sm_\w+)", RegexOptions.Multiline)]
    private static partial Regex TargetLine();

    [GeneratedRegex(@"^\.version\s+(\d+\.\d+)", RegexOptions.Multiline)]
    private static partial Regex VersionLine();
}
