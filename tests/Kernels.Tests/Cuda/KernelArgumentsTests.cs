using System.Runtime.InteropServices;
using Kernels.Cuda;
using Xunit;

namespace Kernels.Tests.Cuda;

public sealed class KernelArgumentsTests
{
    [Fact]
    public void PointersLeadToEachValueInOrder()
    {
        var args = new KernelArguments();
        args.Add(0x1122334455667788UL);
        args.Add(7u);
        args.Add(2.5f);
        args.Add((byte)9);
        args.Add(-3L);

        Span<nint> pointers = stackalloc nint[KernelArguments.MaxCount];
        args.WritePointers(pointers);

        Assert.Equal(5, args.Count);
        Assert.Equal(0x1122334455667788L, Marshal.ReadInt64(pointers[0]));
        Assert.Equal(7, Marshal.ReadInt32(pointers[1]));
        Assert.Equal(2.5f, BitConverter.Int32BitsToSingle(Marshal.ReadInt32(pointers[2])));
        Assert.Equal(9, Marshal.ReadByte(pointers[3]));
        Assert.Equal(-3L, Marshal.ReadInt64(pointers[4]));
    }

    [Fact]
    public void EachValueStartsOnAnEightByteBoundaryAfterThePrevious()
    {
        var args = new KernelArguments();
        args.Add((byte)1);
        args.Add(2u);
        args.Add(3UL);

        Span<nint> pointers = stackalloc nint[KernelArguments.MaxCount];
        args.WritePointers(pointers);

        Assert.Equal(8, pointers[1] - pointers[0]);
        Assert.Equal(8, pointers[2] - pointers[1]);
        Assert.Equal(0, (pointers[2] - pointers[0]) % 8);
    }

    [Fact]
    public void Add_Throws_WhenMoreThanMaxCountParameters()
    {
        var args = new KernelArguments();
        for (var i = 0; i < KernelArguments.MaxCount; i++)
        {
            args.Add(i);
        }

        var thrown = false;
        try
        {
            args.Add(0);
        }
        catch (InvalidOperationException)
        {
            thrown = true;
        }
        Assert.True(thrown);
    }

    [Fact]
    public void Add_Throws_WhenBytesExceedCapacity()
    {
        var args = new KernelArguments();
        args.Add(new Block256());

        var thrown = false;
        try
        {
            args.Add(new Block256()); // 256 + 256 fits exactly; the third would not.
            args.Add(new Block256());
        }
        catch (InvalidOperationException)
        {
            thrown = true;
        }
        Assert.True(thrown);
        Assert.Equal(2, args.Count);
    }

    [Fact]
    public void BlocksFor_IsCeilingDivision()
    {
        Assert.Equal(0, Dim3.BlocksFor(0, 256));
        Assert.Equal(1, Dim3.BlocksFor(1, 256));
        Assert.Equal(1, Dim3.BlocksFor(256, 256));
        Assert.Equal(2, Dim3.BlocksFor(257, 256));
        Assert.Equal(4096, Dim3.BlocksFor(1 << 20, 256));
    }

    [Fact]
    public void IntConvertsToOneDimensionalShape()
    {
        Dim3 shape = 128;
        Assert.Equal(new Dim3(128, 1, 1), shape);
        Assert.Equal(128 * 4 * 2, new Dim3(128, 4, 2).Volume);
    }

    [System.Runtime.CompilerServices.InlineArray(256)]
    private struct Block256
    {
        private byte _element;
    }
}
