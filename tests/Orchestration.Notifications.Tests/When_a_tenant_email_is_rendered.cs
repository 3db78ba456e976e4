using System.ComponentModel.DataAnnotations;

namespace Orchestration.Notifications.Tests;

public sealed class When_a_tenant_email_is_rendered
{
    static readonly MailAddress From = new("no-reply@leases.example.com", "Property Management");

    static readonly UnrecoverableExceptions Unrecoverable = UnrecoverableExceptions.DeclaredBy(
        services => services.AddNotificationsServices(new ConfigurationBuilder().Build()));

    public static TheoryData<TenantEmail> Emails() => new(Enum.GetValues<TenantEmail>());

    [Theory]
    [MemberData(nameof(Emails))]
    public void Should_fill_every_placeholder_of_every_template(TenantEmail kind)
    {
        var email = TenantEmailRenderer.Render(TestEmails.Command(kind), From);

        email.Subject.ShouldNotBeNullOrWhiteSpace();
        foreach (var part in new[] { email.Subject, email.Text, email.Html })
            part.ShouldNotContain("{{");
        email.Text.ShouldContain("Hello Ada Lovelace,");
        email.Html.ShouldStartWith("<!DOCTYPE html>");
        email.Html.ShouldContain("<p>Hello Ada Lovelace,</p>");
        email.To.Address.ShouldBe("ada@example.com");
        email.To.DisplayName.ShouldBe("Ada Lovelace");

        var required = TenantEmailRenderer.RequiredValues(kind);
        required.ShouldNotBeEmpty();
        foreach (var name in required)
            email.Text.ShouldContain(TestEmails.AllValues[name], customMessage: $"{kind} shows {name}");
    }

    [Fact]
    public void Should_encode_values_in_the_html_but_not_in_the_plain_text()
    {
        var command = TestEmails.Command(TenantEmail.LeaseCancelled,
            values: new Dictionary<string, string> { ["Reason"] = "<script>alert('x')</script> & \"more\"" },
            recipientName: "Zoë <b>O'Brien</b>");

        var email = TenantEmailRenderer.Render(command, From);

        email.Html.ShouldNotContain("<script>");
        email.Html.ShouldNotContain("<b>");
        email.Html.ShouldContain("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;more&quot;");
        email.Html.ShouldContain("Hello Zoë &lt;b&gt;O&#x27;Brien&lt;/b&gt;,");
        email.Text.ShouldContain("<script>alert('x')</script> & \"more\"");
        email.Text.ShouldContain("Hello Zoë <b>O'Brien</b>,");
    }

    [Fact]
    public void Should_put_links_in_the_html_encoded_as_attributes()
    {
        var email = TenantEmailRenderer.Render(TestEmails.Command(TenantEmail.SigningLink), From);

        email.Html.ShouldContain("<a href=\"https://sign.example.com/envelopes/8f2c?token=a1&amp;lang=en\">");
        email.Text.ShouldContain("https://sign.example.com/envelopes/8f2c?token=a1&lang=en");
    }

    [Fact]
    public void Should_keep_the_subject_on_one_line()
    {
        var email = TenantEmailRenderer.Render(TestEmails.Command(TenantEmail.Welcome, recipientName: "Ada\r\nBcc: everyone@example.com"), From);

        email.Subject.ShouldBe("Welcome home, Ada Bcc: everyone@example.com");
    }

    [Fact]
    public void Should_match_value_names_without_regard_to_case()
    {
        // Serializers may change the case of dictionary keys on the way.
        var values = TestEmails.AllValues.ToDictionary(v => char.ToLowerInvariant(v.Key[0]) + v.Key[1..], v => v.Value);

        var email = TenantEmailRenderer.Render(TestEmails.Command(TenantEmail.SignatureReminder, values: values), From);

        email.Text.ShouldContain(TestEmails.AllValues["SigningUrl"]);
    }

    [Fact]
    public void Should_refuse_an_email_missing_a_value_as_unrecoverable()
    {
        var command = TestEmails.Command(TenantEmail.MoveInPaymentFailed, values: TestEmails.Without("PaymentUrl"));

        var exception = Should.Throw<MissingTemplateValueException>(() => TenantEmailRenderer.Render(command, From));

        exception.Missing.ShouldBe(["PaymentUrl"]);
        exception.Message.ShouldContain("PaymentUrl");
        Recoverability.IsUnrecoverable(exception, Unrecoverable).ShouldBeTrue();
    }

    [Fact]
    public void Should_refuse_a_blank_value_as_missing()
    {
        var values = new Dictionary<string, string>(TestEmails.AllValues) { ["Reason"] = "  " };

        Should.Throw<MissingTemplateValueException>(() => TenantEmailRenderer.Render(TestEmails.Command(TenantEmail.LeaseCancelled, values: values), From))
            .Missing.ShouldBe(["Reason"]);
    }

    [Fact]
    public void Should_refuse_a_link_that_is_not_http()
    {
        var values = new Dictionary<string, string>(TestEmails.AllValues) { ["SigningUrl"] = "javascript:alert(1)" };

        Should.Throw<ValidationException>(() => TenantEmailRenderer.Render(TestEmails.Command(TenantEmail.SigningLink, values: values), From));
    }

    [Fact]
    public void Should_refuse_an_invalid_recipient_address()
    {
        Should.Throw<ValidationException>(() => TenantEmailRenderer.Render(TestEmails.Command(TenantEmail.Welcome, recipientEmail: "not an address"), From));
    }

    [Fact]
    public void Should_give_every_copy_of_an_email_the_same_message_id()
    {
        var leaseId = Guid.NewGuid();
        var first = TenantEmailRenderer.Render(TestEmails.Command(TenantEmail.SigningLink, leaseId), From);
        var again = TenantEmailRenderer.Render(TestEmails.Command(TenantEmail.SigningLink, leaseId), From);
        var other = TenantEmailRenderer.Render(TestEmails.Command(TenantEmail.SignatureReminder, leaseId), From);

        again.MessageId.ShouldBe(first.MessageId);
        other.MessageId.ShouldNotBe(first.MessageId);
        first.MessageId.ShouldMatch(@"^<[0-9a-f]{32}\.tenant-email@leases\.example\.com>$");
    }

    [Fact]
    public void Should_be_declared_unrecoverable_by_the_endpoint_with_its_settings()
    {
        var settings = Path.Combine(Repository.Root, "src", "Endpoints", "Notifications", "appsettings.json");
        var configuration = new ConfigurationBuilder().AddJsonFile(settings).Build();

        var unrecoverable = UnrecoverableExceptions.DeclaredBy(services => services.AddNotificationsServices(configuration));

        unrecoverable.ShouldContain(typeof(MissingTemplateValueException));
        unrecoverable.ShouldContain(typeof(Endpoints.Notifications.Sending.EmailRejectedException));
        unrecoverable.ShouldNotContain(typeof(Endpoints.Notifications.Sending.EmailProviderUnavailableException));
    }
}
