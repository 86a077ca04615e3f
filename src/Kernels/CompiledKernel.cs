using System.Reflection;
using Kernels.IR;

namespace Kernels;

/// <summary>
/// A kernel compiled for one target and one set of generic arguments: what a runtime needs to load and launch it.
/// The CUDA host loads <see cref="Ptx"/> (cuModuleLoadData), finds <see cref="EntryName"/> (cuModuleGetFunction)
/// and passes one pointer per <see cref="Parameters"/> entry to cuLaunchKernel, pointing at the little-endian
/// bytes of <see cref="FlattenArguments"/>'s value for it (the low <see cref="KernelParameter.SizeBytes"/> bytes).
/// Shared memory per block is <see cref="StaticSharedBytes"/> plus the launch's dynamic bytes.
/// </summary>
public sealed class CompiledKernel
{
    internal CompiledKernel(MethodInfo method, string ptx, Ptx.PtxTarget target, Function ir, string irText)
    {
        Method = method;
        Ptx = ptx;
        Target = target;
        Ir = ir;
        IrText = irText;
        EntryName = ir.Name;
        StaticSharedBytes = ir.StaticSharedBytes;
        UsesDynamicShared = ir.UsesDynamicShared;
        Parameters = [.. ir.Parameters.Select(p => new KernelParameter(
            Kernels.Ptx.PtxEmitter.ParameterName(p),
            p.Type.IsPointer ? KernelParameterKind.Pointer : KernelParameterKind.Scalar,
            p.Type.SizeBytes, p.ArgumentIndex, p.FieldPath))];
    }

    /// <summary>The kernel method (a constructed generic method for specialised kernels).</summary>
    public MethodInfo Method { get; }

    public string EntryName { get; }

    public string Ptx { get; }

    public Ptx.PtxTarget Target { get; }

    public IReadOnlyList<KernelParameter> Parameters { get; }

    public int StaticSharedBytes { get; }

    public bool UsesDynamicShared { get; }

    /// <summary>The optimised IR as text (what the CPU executor runs and the emitter translated).</summary>
    public string IrText { get; }

    internal Function Ir { get; }

    /// <summary>
    /// The raw value of each PTX parameter from the kernel method's arguments: pointers and 64-bit scalars as
    /// 64 bits, 32-bit scalars zero-extended, floats as their IEEE bits.
    /// </summary>
    /// <exception cref="ArgumentException">The argument count or an argument's type does not match the kernel.</exception>
    public ulong[] FlattenArguments(ReadOnlySpan<object> args)
    {
        var parameters = Method.GetParameters();
        if (args.Length != parameters.Length)
        {
            throw new ArgumentException($"Kernel {EntryName} takes {parameters.Length} arguments, got {args.Length}.", nameof(args));
        }
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i]?.GetType() != parameters[i].ParameterType)
            {
                throw new ArgumentException(
                    $"Argument {i} ('{parameters[i].Name}') of kernel {EntryName} must be {parameters[i].ParameterType.Name}, got {args[i]?.GetType().Name ?? "null"}.", nameof(args));
            }
        }
        var values = new ulong[Parameters.Count];
        for (var p = 0; p < values.Length; p++)
        {
            object value = args[Parameters[p].ArgumentIndex];
            foreach (var field in Parameters[p].FieldPath)
            {
                value = value.GetType().GetField(field, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)!.GetValue(value)!;
            }
            values[p] = value switch
            {
                nint n => (ulong)n,
                nuint n => n,
                long l => (ulong)l,
                ulong u => u,
                int i => (uint)i,
                uint u => u,
                short s => (ushort)s,
                ushort u => u,
                byte b => b,
                sbyte s => (byte)s,
                bool b => b ? 1UL : 0UL,
                float f => BitConverter.SingleToUInt32Bits(f),
                double d => BitConverter.DoubleToUInt64Bits(d),
                Half h => BitConverter.HalfToUInt16Bits(h),
                Language.BFloat16 b => b.Bits,
                _ => throw new ArgumentException($"Kernel {EntryName}: parameter {Parameters[p].PtxName} has unsupported type {value.GetType().Name}.", nameof(args)),
            };
        }
        return values;
    }
}
