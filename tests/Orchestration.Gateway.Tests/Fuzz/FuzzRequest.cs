namespace Orchestration.Gateway.Tests.Fuzz;

/// <summary>Who sends a fuzzed request: the signed-in staff member's session, nobody, or whatever the headers claim.</summary>
public enum FuzzIdentity
{
    Session,
    Anonymous,
}

/// <summary>One generated request: method, path and query, headers, and a body sent byte for byte.</summary>
public sealed record FuzzRequest(string Method, string Path, FuzzIdentity Identity, IReadOnlyList<(string Name, string Value)> Headers, string? Body,
    string? ContentType)
{
    public bool ChangesNothingWhenRead => Method is "GET" or "HEAD";

    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(new HttpMethod(Method), Path);
        if (Body is not null || ContentType is not null)
        {
            message.Content = new ByteArrayContent(Body is null ? [] : Encoding.UTF8.GetBytes(Body));
            if (ContentType is not null)
                message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
        }

        foreach (var (name, value) in Headers)
            message.Headers.TryAddWithoutValidation(name, value);
        return message;
    }

    public override string ToString()
    {
        var body = Body is null ? "(none)" : Body.Length > 400 ? $"{Body[..400]}… ({Body.Length} chars)" : Body;
        var headers = string.Join("; ", Headers.Select(h => $"{h.Name}: {(h.Value.Length > 80 ? h.Value[..80] + "…" : h.Value)}"));
        return $"{Method} {Path} as {Identity} [{headers}] Content-Type: {ContentType ?? "(none)"} body: {body}";
    }
}
