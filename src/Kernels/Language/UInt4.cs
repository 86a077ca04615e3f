namespace Kernels.Language;

/// <summary>Four 32-bit words in registers: one 128-bit vector load or an m16n8k16 A fragment (8 packed 16-bit values).</summary>
public struct UInt4(uint x, uint y, uint z, uint w)
{
    public uint X = x;
    public uint Y = y;
    public uint Z = z;
    public uint W = w;
}
