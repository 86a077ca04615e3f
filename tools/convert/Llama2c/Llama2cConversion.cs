using System.Buffers;
using Loader.Llama2c;
using Loader.Safetensors;
using Loader.Tokenizers;

namespace ConvertTool.Llama2c;

/// <summary>
/// <c>convert llama2c</c>: turns a llama2.c checkpoint and tokenizer.bin into a Hugging Face Llama directory
/// (config.json, generation_config.json, model.safetensors, tokenizer.json, the SentencePiece tokenizer.model of
/// the same vocabulary, tokenizer_config.json, special_tokens_map.json).
/// q/k rows are permuted for rotate-half RoPE (<see cref="RotaryPermutation"/>); the legacy RoPE tables are
/// dropped; lm_head.weight is written only for an unshared classifier.
/// </summary>
public static class Llama2cConversion
{
    /// <summary>
    /// Converts. Throws <see cref="Llama2cFormatException"/> for a malformed or truncated checkpoint and for a
    /// tokenizer.bin whose records do not match the checkpoint's vocab size; <see cref="TokenizerFormatException"/>
    /// when a piece has no tokenizer.json form (not valid UTF-8).
    /// </summary>
    public static Llama2cConversionResult Run(Llama2cConversionOptions options, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!SafetensorsDtypes.IsFloatingPoint(options.Dtype) || options.Dtype == SafetensorsDtype.F64)
        {
            throw new ArgumentException($"--dtype must be f32, f16 or bf16, not {SafetensorsDtypes.HeaderName(options.Dtype)}", nameof(options));
        }
        using var checkpoint = Llama2cCheckpoint.Read(options.Checkpoint);
        var config = checkpoint.Config;
        var tokenizer = Llama2cTokenizerFile.Read(options.Tokenizer, config.VocabSize);
        Directory.CreateDirectory(options.OutputDirectory);
        string Out(string name) => Path.Combine(options.OutputDirectory, name);

        var map = Llama2cTensorMap.For(config);
        var weights = Out("model.safetensors");
        var parameters = WriteWeights(weights, checkpoint, map, options.Dtype, progress);
        Llama2cHfConfigFiles.WriteConfig(Out("config.json"), config, options.Dtype);
        Llama2cHfConfigFiles.WriteGenerationConfig(Out("generation_config.json"));
        Llama2cHfConfigFiles.WriteTokenizerConfig(Out("tokenizer_config.json"), tokenizer, config.SeqLen);
        Llama2cHfConfigFiles.WriteSpecialTokensMap(Out("special_tokens_map.json"), tokenizer);
        File.WriteAllText(Out("tokenizer.json"), Llama2cTokenizerJson.Build(File.ReadAllBytes(options.Tokenizer), config.VocabSize));
        File.WriteAllBytes(Out("tokenizer.model"), Llama2cSentencePieceModel.Build(File.ReadAllBytes(options.Tokenizer), config.VocabSize));
        return new Llama2cConversionResult(
            [weights, Out("config.json"), Out("generation_config.json"), Out("tokenizer.json"), Out("tokenizer.model"), Out("tokenizer_config.json"), Out("special_tokens_map.json")],
            parameters);
    }

    private static long WriteWeights(string path, Llama2cCheckpoint checkpoint, IReadOnlyList<Llama2cTensorMap.Entry> map, SafetensorsDtype dtype, IProgress<double>? progress)
    {
        var infos = map.Select(e => new SafetensorsTensorInfo(e.Name, dtype, e.Shape)).ToList();
        var total = infos.Sum(i => i.ElementCount);
        long done = 0;
        using var writer = SafetensorsWriter.Create(path, infos, new Dictionary<string, string> { ["format"] = "pt" });
        foreach (var entry in map)
        {
            var source = entry.Layer >= 0 ? checkpoint.Tensor(entry.Kind, entry.Layer) : checkpoint.Tensor(entry.Kind);
            var permuted = entry.PermuteHeads > 0 ? ArrayPool<float>.Shared.Rent(source.Length) : null;
            var bytes = ArrayPool<byte>.Shared.Rent(source.Length * SafetensorsDtypes.SizeOf(dtype));
            try
            {
                var floats = source;
                if (permuted is not null)
                {
                    var target = permuted.AsSpan(0, source.Length);
                    RotaryPermutation.ToRotateHalf(source, target, entry.PermuteHeads, checkpoint.Config.HeadSize, checkpoint.Config.Dim);
                    floats = target;
                }
                var output = bytes.AsSpan(0, source.Length * SafetensorsDtypes.SizeOf(dtype));
                DtypeConversion.FromFloat32(floats, dtype, output, path, entry.Name);
                writer.Write(entry.Name, 0, output);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(bytes);
                if (permuted is not null)
                {
                    ArrayPool<float>.Shared.Return(permuted);
                }
            }
            done += source.Length;
            progress?.Report((double)done / total);
        }
        writer.Complete();
        return total;
    }
}
