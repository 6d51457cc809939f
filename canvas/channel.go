package canvas

import (
	"fmt"
	"github.com/engagekit/engagekit/internal/enumtext"
	"strings"
)

// Channel is a way to follow up with a client. The zero value is
// [ChannelUnknown]; the text forms are the names segment policies use.
type Channel uint8

// The channels.
const (
	ChannelUnknown Channel = iota
	Email
	AppPush
	Letter
	SMS
	WhatsApp
	PhoneBackOffice
	PhoneAdviser
	ReviewMeeting
	PortalNudge
	Mailing
	Newsletter
	AdviserMeeting
)

var channelNames = [...]string{"unknown", "email", "app_push", "letter", "sms", "whatsapp", "phone_back_office",
	"phone_adviser", "review_meeting", "portal_nudge", "mailing", "newsletter", "adviser_meeting"}

// String returns the channel's name, e.g. "app_push".
func (c Channel) String() string {
	return enumtext.String(channelNames[:], "Channel", uint8(c))
}

// MarshalText encodes the channel as its name.
func (c Channel) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText decodes a channel from the text MarshalText writes: its
// name, "unknown" for the zero Channel and "Channel(n)" for a number
// without a name, so that any plan's JSON reads back (a planner refuses
// both in a playbook, and ParseChannel takes names only).
func (c *Channel) UnmarshalText(b []byte) error {
	n, err := nameNumber(channelNames[:], "Channel", string(b))
	*c = Channel(n)
	return err
}

// nameNumber reads a name of names as its number, or "Type(n)", the
// text of a number without a name (internal/enumtext).
func nameNumber(names []string, typ, text string) (uint8, error) {
	if n, ok := enumtext.Parse(names, typ, text); ok {
		return n, nil
	}
	return 0, fmt.Errorf("canvas: unknown %s %q", strings.ToLower(typ), text)
}

func channelNamed(name string) (Channel, bool) {
	for i, n := range channelNames[1:] {
		if n == name {
			return Channel(i + 1), true
		}
	}
	return ChannelUnknown, false
}

// ParseChannel returns the channel of a name ("email"); anything else,
// "unknown" and the "Channel(n)" of a number without a name included, is
// an error.
func ParseChannel(name string) (Channel, error) {
	if c, ok := channelNamed(name); ok {
		return c, nil
	}
	return ChannelUnknown, fmt.Errorf("canvas: unknown channel %q", name)
}

// Push reports whether the channel pushes to the client (email, app push,
// letter, SMS, WhatsApp, calls) rather than waiting for them (the review
// meeting, the portal, mailings, the newsletter). Pushes count against the
// contact-pressure cap.
func (c Channel) Push() bool {
	switch c {
	case Email, AppPush, Letter, SMS, WhatsApp, PhoneBackOffice, PhoneAdviser:
		return true
	}
	return false
}

// Adviser reports whether the channel takes an adviser's time, and so
// counts against adviser capacity.
func (c Channel) Adviser() bool {
	return c == PhoneAdviser || c == AdviserMeeting || c == ReviewMeeting
}

// Bundles reports whether several alerts can share one contact on the
// channel (an agenda of items), as meetings and mailings can.
func (c Channel) Bundles() bool {
	switch c {
	case AdviserMeeting, ReviewMeeting, PhoneAdviser, Email, Letter, Mailing:
		return true
	}
	return false
}
