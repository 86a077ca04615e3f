using System.Text.Json;
using System.Text.Json.Serialization;
using Server.Generation;

namespace Server.Contracts;

/// <summary>Writes a stop reason as the matched string or the matched token id (api.md §4.3).</summary>
public sealed class StopReasonJsonConverter : JsonConverter<StopReason>
{
    public override StopReason Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Number
            ? StopReason.OfToken(reader.GetInt32())
            : StopReason.OfText(reader.GetString() ?? string.Empty);

    public override void Write(Utf8JsonWriter writer, StopReason value, JsonSerializerOptions options)
    {
        if (value.TokenId is int id)
            writer.WriteNumberValue(id);
        else
            writer.WriteStringValue(value.Text);
    }
}
