namespace Kernels.Language;

/// <summary>Two 32-bit words in registers: an m16n8k16 B fragment (4 packed 16-bit values).</summary>
public struct UInt2(uint x, uint y)
{
    public uint X = x;
    public uint Y = y;
}
