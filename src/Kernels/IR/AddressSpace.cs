namespace Kernels.IR;

public enum AddressSpace : byte
{
    None, Global, Shared,
}
