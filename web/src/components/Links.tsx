import { Anchor, Button, NavLink, type AnchorProps, type ButtonProps, type NavLinkProps } from '@mantine/core';
import { createLink, type LinkComponent } from '@tanstack/react-router';
import { forwardRef, type AnchorHTMLAttributes } from 'react';

/** Mantine's anchor, button and nav link as typed router links (route params checked). */
type A = AnchorHTMLAttributes<HTMLAnchorElement>;

const AnchorBase = forwardRef<HTMLAnchorElement, AnchorProps & A>((props, ref) => <Anchor ref={ref} {...props} />);
const ButtonBase = forwardRef<HTMLAnchorElement, ButtonProps & A>((props, ref) => <Button ref={ref} component="a" {...props} />);
const NavLinkBase = forwardRef<HTMLAnchorElement, NavLinkProps & A>((props, ref) => <NavLink ref={ref} component="a" {...props} />);

const AnchorCreated = createLink(AnchorBase);
const ButtonCreated = createLink(ButtonBase);
const NavLinkCreated = createLink(NavLinkBase);

export const AnchorLink: LinkComponent<typeof AnchorBase> = (props) => <AnchorCreated preload="intent" {...props} />;
export const ButtonLink: LinkComponent<typeof ButtonBase> = (props) => <ButtonCreated preload="intent" {...props} />;
export const NavLinkLink: LinkComponent<typeof NavLinkBase> = (props) => <NavLinkCreated {...props} />;
