namespace Kernels.Language;

/// <summary>
/// Gives a C# member its device meaning: the compiler replaces calls to it by the IR operation
/// <see cref="Op"/>, whose PTX spelling is in <c>Ptx/PtxTable</c>. The member's own body is its CPU meaning
/// where one exists outside a kernel launch (pure math); thread-dependent members throw there.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Property | AttributeTargets.Constructor, Inherited = false)]
public sealed class IntrinsicAttribute(Intrinsic op) : Attribute
{
    public Intrinsic Op { get; } = op;
}
