// Interactive: the button has the keyboard, as the log form's first question has in the app.
document.getElementById('hello').focus();
performance.mark('ready');
// On screen: the frame after has been drawn.
requestAnimationFrame(() => setTimeout(() => performance.mark('shown'), 0));
