import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Takes a free loopback TCP port the way a port is taken "after the check": the socket is
 * bound but not listening, so a connection to it is refused (demo.sh's port check finds the
 * port free) while a server binding it fails. Prints the port, then holds it until standard
 * input closes. Run with {@code java .ci/HoldPort.java}.
 */
public class HoldPort {

	public static void main(String[] args) throws Exception {
		try (Socket socket = new Socket()) {
			// without SO_REUSEADDR on this socket, no other socket may bind the port
			socket.setReuseAddress(false);
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			System.out.println(socket.getLocalPort());
			System.out.flush();
			while (System.in.read() != -1) {
				// hold the port
			}
		}
	}

}
