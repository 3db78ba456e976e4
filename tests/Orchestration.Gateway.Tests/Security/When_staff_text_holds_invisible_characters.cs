namespace Orchestration.Gateway.Tests.Security;

public sealed class When_staff_text_holds_invisible_characters
{
    public static TheoryData<string, string> Cases => new()
    {
        { TestDatabase.Sqlite, "a\u0000b" },
        { TestDatabase.Postgres, "a\u0000b" },
        { TestDatabase.Sqlite, "export\u202Etxt.exe" },
        { TestDatabase.Postgres, "line\r\nbreak" },
        { TestDatabase.Sqlite, "zero\u200Bwidth" },
        { TestDatabase.Postgres, "\u001b[31mred" },
    };

    [Theory, MemberData(nameof(Cases))]
    public async Task Should_refuse_a_token_name_with_them_and_name_the_field(string provider, string text)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        var (browser, _) = await gateway.SignedInAsync(GatewayRoles.Operator);

        var response = await browser.PostAsJsonAsync("/api/auth/tokens", new { name = text });

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("name", out _).ShouldBeTrue();
        (await (await browser.GetAsync("/api/auth/tokens")).JsonAsync()).GetArrayLength().ShouldBe(0);
    }

    [Theory, MemberData(nameof(Cases))]
    public async Task Should_refuse_a_user_whose_name_or_email_holds_them(string provider, string text)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        var (admin, _) = await gateway.SignedInAsync(GatewayRoles.Admin);

        var badName = await admin.PostAsJsonAsync("/api/users",
            new { email = "named@orchestration.test", displayName = text, password = Password, roles = new[] { GatewayRoles.Operator } });
        var badEmail = await admin.PostAsJsonAsync("/api/users",
            new { email = text.Replace(" ", "", StringComparison.Ordinal) + "@orchestration.test", displayName = "Fine", password = Password, roles = new[] { GatewayRoles.Operator } });

        (await badName.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("displayName", out _).ShouldBeTrue();
        (await badEmail.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("email", out _).ShouldBeTrue();
        (await (await admin.GetAsync("/api/users")).JsonAsync()).GetArrayLength().ShouldBe(1);
    }

    [Theory, MemberData(nameof(Cases))]
    public async Task Should_refuse_a_sign_in_whose_email_holds_them_with_a_400_naming_the_field(string provider, string text)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);

        var response = await gateway.Browser().PostAsJsonAsync("/api/auth/login", new { email = text + "@orchestration.test", password = Password });

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("email", out _).ShouldBeTrue();
    }
}
