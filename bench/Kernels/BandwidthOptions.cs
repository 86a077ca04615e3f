using System.Globalization;

namespace Bench.Kernels;

/// <summary>The bandwidth suite's command line: buffer sizes in MiB, timed iterations, warm-up launches and device.</summary>
internal sealed record BandwidthOptions(IReadOnlyList<int> SizesMb, int Iterations, int Warmup, int Device)
{
    public static BandwidthOptions Parse(string[] args)
    {
        var options = new BandwidthOptions([64, 128, 256, 512, 1024], Iterations: 20, Warmup: 3, Device: 0);
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--sizes-mb" => options with { SizesMb = value.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() },
                "--iters" => options with { Iterations = int.Parse(value, CultureInfo.InvariantCulture) },
                "--warmup" => options with { Warmup = int.Parse(value, CultureInfo.InvariantCulture) },
                "--device" => options with { Device = int.Parse(value, CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException($"Unknown option {args[i]}; expected --sizes-mb, --iters, --warmup or --device."),
            };
            i++;
        }
        if (options.Iterations < 1 || options.SizesMb.Any(s => s < 1))
        {
            throw new ArgumentException("--iters and every size must be at least 1.");
        }
        return options;
    }
}
