using System.Collections.Concurrent;

namespace Orchestration.EndToEnd.Tests.Infrastructure;

/// <summary>One span as a collector received it: which service sent it and where it sits in its trace.</summary>
public sealed record ReceivedSpan(string Service, string TraceId, string SpanId, string ParentSpanId, string Name);

/// <summary>
/// An OTLP/HTTP collector for the processes of a run (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> pointed here): it accepts
/// <c>POST /v1/traces</c> in the protobuf encoding the exporters send, reads each span's service, trace id, span id, parent
/// and name off the wire format, and answers 200 to every other signal without reading it.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    readonly HttpListener _listener = new();
    readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    readonly Task _loop;

    public OtlpReceiver()
    {
        Port = FreePort.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ReceiveAsync);
    }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    public IReadOnlyList<ReceivedSpan> Spans => [.. _spans];

    async Task ReceiveAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            if (context.Request.Url?.AbsolutePath == "/v1/traces")
            {
                foreach (var span in ReadTraces(body.ToArray()))
                    _spans.Enqueue(span);
            }

            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    /// <summary>ExportTraceServiceRequest: resource_spans = 1 (resource = 1 with attributes = 1; scope_spans = 2 with spans = 2).</summary>
    static IEnumerable<ReceivedSpan> ReadTraces(byte[] request)
    {
        foreach (var resourceSpans in Fields(request).Where(f => f.Number == 1).Select(f => f.Bytes))
        {
            var fields = Fields(resourceSpans).ToList();
            var service = fields.Where(f => f.Number == 1).SelectMany(f => Fields(f.Bytes)).Where(f => f.Number == 1)
                .Select(f => Attribute(f.Bytes)).FirstOrDefault(a => a.Key == "service.name").Value ?? "";
            foreach (var scopeSpans in fields.Where(f => f.Number == 2).Select(f => f.Bytes))
            {
                foreach (var span in Fields(scopeSpans).Where(f => f.Number == 2).Select(f => Fields(f.Bytes).ToList()))
                {
                    string Hex(int number) => Convert.ToHexStringLower(span.FirstOrDefault(f => f.Number == number).Bytes ?? []);
                    var name = span.FirstOrDefault(f => f.Number == 5).Bytes is { } bytes ? System.Text.Encoding.UTF8.GetString(bytes) : "";
                    yield return new ReceivedSpan(service, Hex(1), Hex(2), Hex(4), name);
                }
            }
        }
    }

    /// <summary>KeyValue: key = 1, value = 2 (AnyValue, whose string_value = 1).</summary>
    static (string Key, string? Value) Attribute(byte[]? keyValue)
    {
        var fields = Fields(keyValue).ToList();
        var key = fields.FirstOrDefault(f => f.Number == 1).Bytes is { } k ? System.Text.Encoding.UTF8.GetString(k) : "";
        var value = fields.FirstOrDefault(f => f.Number == 2).Bytes is { } any
            && Fields(any).FirstOrDefault(f => f.Number == 1).Bytes is { } text
                ? System.Text.Encoding.UTF8.GetString(text)
                : null;
        return (key, value);
    }

    /// <summary>The fields of one protobuf message: length-delimited ones with their bytes, the others skipped over.</summary>
    static IEnumerable<(int Number, byte[]? Bytes)> Fields(byte[]? bytes)
    {
        var message = bytes ?? [];
        var position = 0;
        while (position < message.Length)
        {
            var tag = Varint(message, ref position);
            var number = (int)(tag >> 3);
            switch (tag & 7)
            {
                case 0:
                    Varint(message, ref position);
                    yield return (number, null);
                    break;
                case 1:
                    position += 8;
                    yield return (number, null);
                    break;
                case 2:
                    var length = (int)Varint(message, ref position);
                    yield return (number, message[position..(position + length)]);
                    position += length;
                    break;
                case 5:
                    position += 4;
                    yield return (number, null);
                    break;
                default:
                    throw new InvalidDataException($"Unexpected protobuf wire type {tag & 7} at byte {position}.");
            }
        }
    }

    static ulong Varint(byte[] message, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = message[position++];
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
                return value;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
