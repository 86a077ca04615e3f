namespace Kernels.Tests.Cuda;

/// <summary>Hand-written PTX the host tests load: checked by ptxas on every machine, run where a GPU is lent.</summary>
internal static class TestPtx
{
    /// <summary>c[i] = a[i] + b[i] for i &lt; n, one thread per element. Parameters: (c, a, b, n).</summary>
    public const string VectorAdd = """
        .version 7.0
        .target sm_52
        .address_size 64

        .visible .entry vector_add(
            .param .u64 vector_add_c,
            .param .u64 vector_add_a,
            .param .u64 vector_add_b,
            .param .u32 vector_add_n)
        {
            .reg .pred  %p<2>;
            .reg .b32   %r<6>;
            .reg .f32   %f<4>;
            .reg .b64   %rd<8>;

            ld.param.u64        %rd1, [vector_add_c];
            ld.param.u64        %rd2, [vector_add_a];
            ld.param.u64        %rd3, [vector_add_b];
            ld.param.u32        %r1, [vector_add_n];

            // i = blockIdx.x * blockDim.x + threadIdx.x; threads past n do nothing.
            mov.u32             %r2, %ctaid.x;
            mov.u32             %r3, %ntid.x;
            mov.u32             %r4, %tid.x;
            mad.lo.s32          %r5, %r2, %r3, %r4;
            setp.ge.u32         %p1, %r5, %r1;
            @%p1 bra            DONE;

            cvta.to.global.u64  %rd1, %rd1;
            cvta.to.global.u64  %rd2, %rd2;
            cvta.to.global.u64  %rd3, %rd3;
            mul.wide.u32        %rd4, %r5, 4;
            add.s64             %rd5, %rd2, %rd4;
            add.s64             %rd6, %rd3, %rd4;
            add.s64             %rd7, %rd1, %rd4;
            ld.global.f32       %f1, [%rd5];
            ld.global.f32       %f2, [%rd6];
            add.rn.f32          %f3, %f1, %f2;
            st.global.f32       [%rd7], %f3;
        DONE:
            ret;
        }
        """;

    /// <summary>Uses register %r9 that was never declared: ptxas and the driver JIT must both reject it.</summary>
    public const string UndeclaredRegister = """
        .version 7.0
        .target sm_52
        .address_size 64

        .visible .entry broken(
            .param .u64 broken_out)
        {
            .reg .b32   %r<2>;
            .reg .b64   %rd<2>;

            ld.param.u64        %rd1, [broken_out];
            mov.u32             %r9, 7;
            st.global.u32       [%rd1], %r9;
            ret;
        }
        """;
}
