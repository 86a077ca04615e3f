namespace Kernels.Language;

/// <summary>
/// A compile-time specialisation constant carried by a generic struct argument:
/// <c>struct HeadDim128 : IConst { public static int Value => 128; }</c>. The compiler folds
/// <c>T.Value</c> to a constant for each instantiation, and RyuJIT does the same on the CPU.
/// </summary>
public interface IConst
{
    static abstract int Value { get; }
}
